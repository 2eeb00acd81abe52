import type { EntityManager } from 'typeorm';
import { Brackets } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { assertAdmin } from '../accounts/policy';
import type { Role } from '../accounts/roles';
import { endSessionsOf } from '../accounts/sessions';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { countActiveAdmins, lockAdminSet } from '../accounts/users';
import { recordAudit } from '../audit/audit';
import { Conflict, NotFound, ValidationFailed } from '../web/errors';

export const PEOPLE_PAGE_SIZE = 50;

export interface PersonView {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  chapterId: string | null;
  chapterName: string | null;
  active: boolean;
  coachCapacity: number;
  lastLoginAt: Date | null;
  createdAt: Date;
}

export interface PeopleQuery {
  q: string;
  role: Role | '';
  chapterId: string | null;
  status: 'active' | 'inactive' | '';
  page: number;
}

function toPersonView(user: User): PersonView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    chapterId: user.chapterId,
    chapterName: user.chapter?.name ?? null,
    active: user.active,
    coachCapacity: user.coachCapacity,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}

/** Admin view of people: search, role and chapter changes, deactivation (records always stay). */
export class PeopleService {
  /** One page of people matching the query, by name; `total` counts every match. */
  async search(
    manager: EntityManager,
    actor: SessionUser | undefined,
    query: PeopleQuery,
  ): Promise<{ people: PersonView[]; total: number }> {
    assertAdmin(actor);
    const builder = manager.createQueryBuilder(User, 'user').leftJoinAndSelect('user.chapter', 'chapter');
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      builder.andWhere(
        new Brackets((where) =>
          where
            .where('user.email ILIKE :pattern', { pattern })
            .orWhere('user.display_name ILIKE :pattern', { pattern }),
        ),
      );
    }
    if (query.role) builder.andWhere('user.role = :role', { role: query.role });
    if (query.chapterId) builder.andWhere('user.chapter_id = :chapterId', { chapterId: query.chapterId });
    if (query.status) builder.andWhere('user.active = :active', { active: query.status === 'active' });
    const [users, total] = await builder
      .orderBy('user.display_name', 'ASC')
      .addOrderBy('user.id', 'ASC')
      .skip((query.page - 1) * PEOPLE_PAGE_SIZE)
      .take(PEOPLE_PAGE_SIZE)
      .getManyAndCount();
    return { people: users.map(toPersonView), total };
  }

  async get(manager: EntityManager, actor: SessionUser | undefined, userId: string): Promise<PersonView> {
    assertAdmin(actor);
    const user = await manager.findOne(User, { where: { id: userId }, relations: { chapter: true } });
    if (!user) throw new NotFound('That person does not exist.');
    return toPersonView(user);
  }

  private async lockPerson(manager: EntityManager, userId: string): Promise<User> {
    await lockAdminSet(manager);
    const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFound('That person does not exist.');
    return user;
  }

  /** Changes role and chapter. Throws Conflict when it would leave the academy without an active admin. */
  async update(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
    input: { role: Role; chapterId: string | null; coachCapacity?: number },
  ): Promise<void> {
    const admin = assertAdmin(actor);
    const user = await this.lockPerson(manager, userId);
    if (input.chapterId && !(await manager.exists(Chapter, { where: { id: input.chapterId } }))) {
      throw new ValidationFailed({ chapterId: 'That chapter does not exist.' });
    }
    if (
      user.role === 'admin' &&
      input.role !== 'admin' &&
      user.active &&
      (await countActiveAdmins(manager)) <= 1
    ) {
      throw new Conflict('This is the only active admin; make someone else an admin first.', {
        role: 'This is the only active admin; make someone else an admin first.',
      });
    }
    const coachCapacity = input.coachCapacity ?? user.coachCapacity;
    const changes = {
      role: { from: user.role, to: input.role },
      chapterId: { from: user.chapterId, to: input.chapterId },
      ...(coachCapacity !== user.coachCapacity
        ? { coachCapacity: { from: user.coachCapacity, to: coachCapacity } }
        : {}),
    };
    await manager.update(User, user.id, { role: input.role, chapterId: input.chapterId, coachCapacity });
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'user.updated',
      subjectType: 'user',
      subjectId: user.id,
      details: changes,
    });
  }

  /** Deactivating ends every session of that person at once; reactivating lets them sign in again. */
  async setActive(
    manager: EntityManager,
    actor: SessionUser | undefined,
    userId: string,
    active: boolean,
  ): Promise<PersonView> {
    const admin = assertAdmin(actor);
    const user = await this.lockPerson(manager, userId);
    if (!active && user.id === admin.id) throw new Conflict('You cannot deactivate your own account.');
    if (!active && user.role === 'admin' && user.active && (await countActiveAdmins(manager)) <= 1) {
      throw new Conflict('This is the only active admin; make someone else an admin first.');
    }
    if (user.active !== active) {
      await manager.update(User, user.id, { active });
      if (!active) await endSessionsOf(manager, user.id);
      await recordAudit(manager, {
        actorId: admin.id,
        action: active ? 'user.reactivated' : 'user.deactivated',
        subjectType: 'user',
        subjectId: user.id,
      });
    }
    return toPersonView({ ...user, active });
  }
}
