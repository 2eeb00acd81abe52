import type { EntityManager } from 'typeorm';
import { assertAcademyAdmin, assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { NotFound, ValidationFailed } from '../web/errors';
import { Circle, CircleMember, type CircleKind } from './circle.entities';
import { canSee, isHost, type CircleAccessFacts } from './circles.policy';
import { SharedCache, type ChangeFeed } from '../db/change-feed';

/** Change notices for what decides who belongs to a circle (migration CirclePageNotices). */
export const CIRCLE_ACCESS_TOPIC = 'circle_access';

export interface CircleAccess extends CircleAccessFacts {
  id: string;
  name: string;
  description: string;
  host: boolean;
}

export interface CircleListItem {
  id: string;
  kind: CircleKind;
  name: string;
  description: string;
  member: boolean;
  /** The person hosts it (see isHost): they may schedule its gatherings. */
  host: boolean;
}

interface AccessRow {
  id: string;
  kind: CircleKind;
  name: string;
  description: string;
  owning_chapter_id: string | null;
  member: boolean;
}

/**
 * Membership is read, never copied: a chapter circle's members are the active people whose
 * users.chapter_id is that chapter (likewise cohorts), so moving a person moves them between circles
 * in the same write. Topic circles keep rows in circle_members; the academy circle holds everyone active.
 * Reads circle `c` and user `u`; shared with the search, peers and profile queries.
 */
export const MEMBER_SQL = `(u.active AND (c.kind = 'academy' OR c.chapter_id = u.chapter_id OR c.cohort_id = u.cohort_id
  OR EXISTS (SELECT 1 FROM circle_members m WHERE m.circle_id = c.id AND m.user_id = u.id)))`;

const ACCESS_SELECT = `SELECT c.id, c.kind, c.name, c.description,
    COALESCE(c.chapter_id, co.chapter_id) AS owning_chapter_id, ${MEMBER_SQL} AS member
  FROM circles c LEFT JOIN cohorts co ON co.id = c.cohort_id JOIN users u ON u.id = $1`;

function toAccess(actor: SessionUser, row: AccessRow): CircleAccess {
  const facts = { kind: row.kind, owningChapterId: row.owning_chapter_id, member: row.member };
  return { ...facts, id: row.id, name: row.name, description: row.description, host: isHost(actor, facts) };
}

export class CirclesService {
  private readonly accessRows?: SharedCache<AccessRow | null>;

  /**
   * With `caching`, each process keeps the circle row and whether the person belongs to it per
   * (person, circle), emptied by `circle_access` notices (circles, circle_members, cohorts, people's
   * chapter, cohort and active flag), on writes, and after a minute; hosting is decided per request.
   */
  constructor(private readonly caching?: { feed: ChangeFeed; enabled: () => boolean }) {
    if (caching)
      this.accessRows = new SharedCache(caching.feed, CIRCLE_ACCESS_TOPIC, { max: 20_000, ttlMs: 60_000 });
  }

  /** The circle as `actor` may see it; NotFound when it does not exist or they may not see it. */
  async access(
    manager: EntityManager,
    actor: SessionUser | undefined,
    circleId: string,
  ): Promise<CircleAccess> {
    const person = assertSignedIn(actor);
    const load = async () =>
      (await manager.query<AccessRow[]>(`${ACCESS_SELECT} WHERE c.id = $2`, [person.id, circleId]))[0] ??
      null;
    const row =
      this.accessRows && this.caching?.enabled()
        ? await this.accessRows.get(`${person.id}:${circleId}`, load)
        : await load();
    const access = row && toAccess(person, row);
    if (!access || !canSee(person, access)) throw new NotFound('That circle does not exist.');
    return access;
  }

  /** The circles `actor` belongs to or hosts, then topic circles they may join (one query). */
  async list(manager: EntityManager, actor: SessionUser | undefined): Promise<CircleListItem[]> {
    const person = assertSignedIn(actor);
    const rows = await manager.query<AccessRow[]>(
      `${ACCESS_SELECT} ORDER BY array_position(ARRAY['academy','chapter','cohort','topic'], c.kind), c.name`,
      [person.id],
    );
    return rows
      .map((row) => toAccess(person, row))
      .filter((c) => c.kind === 'topic' || canSee(person, c))
      .map(({ id, kind, name, description, member, host }) => ({
        id,
        kind,
        name,
        description,
        member,
        host,
      }));
  }

  /** Opens a topic circle anyone may join (academy admins only); audited. */
  async createTopic(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: { name: string; description: string },
  ): Promise<Circle> {
    const admin = assertAcademyAdmin(actor);
    const circle = await manager.save(manager.create(Circle, { ...input, kind: 'topic' }));
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'circle.created',
      subjectType: 'circle',
      subjectId: circle.id,
      details: { name: circle.name },
    });
    return circle;
  }

  /** Joins a topic circle; joining twice changes nothing. */
  async join(manager: EntityManager, actor: SessionUser | undefined, circleId: string): Promise<void> {
    const person = assertSignedIn(actor);
    const circle = await manager.findOneBy(Circle, { id: circleId, kind: 'topic' });
    if (!circle) throw new NotFound('That circle does not exist.');
    await manager
      .createQueryBuilder()
      .insert()
      .into(CircleMember)
      .values({ circleId, userId: person.id })
      .orIgnore()
      .execute();
  }

  /** Leaves a topic circle (chapter, cohort and academy circles follow the person's record). */
  async leave(manager: EntityManager, actor: SessionUser | undefined, circleId: string): Promise<void> {
    const person = assertSignedIn(actor);
    const circle = await manager.findOneBy(Circle, { id: circleId });
    if (!circle) throw new NotFound('That circle does not exist.');
    if (circle.kind !== 'topic')
      throw new ValidationFailed({
        form: 'You belong to this circle through your chapter, cohort or the academy; it cannot be left.',
      });
    await manager.delete(CircleMember, { circleId, userId: person.id });
  }

  /** True when `userId` (an active person) belongs to the circle, by the same rule as access(). */
  async isMember(manager: EntityManager, circleId: string, userId: string): Promise<boolean> {
    const rows = await manager.query<{ member: boolean }[]>(
      `SELECT ${MEMBER_SQL} AS member FROM circles c JOIN users u ON u.id = $1 WHERE c.id = $2`,
      [userId, circleId],
    );
    return rows[0]?.member ?? false;
  }
}
