import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { assertSignedIn } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { decodeStartPosition, keysetPage, soonestAfter, startPositionOf } from '../db/keyset';
import type { CircleAccess, CirclesService } from '../circles/circles.service';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../web/errors';
import { GATHERING_KIND_LABELS, Gathering, GatheringRsvp, type GatheringKind } from './gathering.entities';
import { tellEveryone } from './notices';
import { countOf } from '../web/format';

export interface GatheringInput {
  circleId: string;
  kind: GatheringKind;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  location: string;
  onlineUrl: string | null;
  capacity: number | null;
  isPublic: boolean;
}

/** A gathering together with its circle as the viewer may see it. */
export interface GatheringAccess {
  gathering: Gathering;
  circle: CircleAccess;
}

/** What the public may know of a public gathering: no description, no online link, no names. */
export interface PublicGathering {
  id: string;
  title: string;
  kind: GatheringKind;
  kindLabel: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** The place, when there is one ('' for online only). */
  location: string;
  online: boolean;
  chapterName: string | null;
  cancelled: boolean;
}

export const UPCOMING_PAGE_SIZE = 20;
const NOT_FOUND = 'That gathering does not exist.';

/** Public fields of a gathering (its chapter relation loaded or not). */
export function publicFields(g: Gathering): PublicGathering {
  return {
    id: g.id,
    title: g.title,
    kind: g.kind,
    kindLabel: GATHERING_KIND_LABELS[g.kind],
    startsAt: g.startsAt,
    endsAt: g.endsAt,
    timeZone: g.timeZone,
    location: g.location,
    online: g.onlineUrl !== null,
    chapterName: g.chapter?.name ?? null,
    cancelled: g.cancelledAt !== null,
  };
}

/**
 * The next public, not cancelled gatherings of a chapter's circles (the chapter's own and its
 * cohorts'), soonest first, at most `limit` (1 to 50): for the chapter's public page. Only the
 * public fields leave this function.
 */
export async function upcomingPublicGatherings(
  manager: EntityManager,
  chapterId: string,
  limit: number,
): Promise<PublicGathering[]> {
  const take = Math.min(Math.max(Math.trunc(limit) || 1, 1), 50);
  const rows = await manager
    .createQueryBuilder(Gathering, 'g')
    .leftJoinAndSelect('g.chapter', 'chapter')
    .where('g.chapter_id = :chapterId AND g.public AND g.cancelled_at IS NULL AND g.ends_at > now()', {
      chapterId,
    })
    .orderBy('g.starts_at', 'ASC')
    .addOrderBy('g.id', 'ASC')
    .take(take)
    .getMany();
  return rows.map(publicFields);
}

/** The next `limit` gatherings of one circle (not cancelled, not ended), soonest first. */
export async function upcomingInCircle(
  manager: EntityManager,
  circleId: string,
  limit = 5,
): Promise<Gathering[]> {
  return manager
    .createQueryBuilder(Gathering, 'g')
    .where('g.circle_id = :circleId AND g.cancelled_at IS NULL AND g.ends_at > now()', { circleId })
    .orderBy('g.starts_at', 'ASC')
    .addOrderBy('g.id', 'ASC')
    .take(limit)
    .getMany();
}

/** Scheduling, editing and cancelling gatherings; who may see and manage them. */
export class GatheringsService {
  constructor(
    readonly circles: CirclesService,
    private readonly baseUrl: string,
  ) {}

  /** The circle as the actor may see it, when they host it; Forbidden (or NotFound) otherwise. */
  async assertHostOf(
    manager: EntityManager,
    actor: SessionUser | undefined,
    circleId: string,
  ): Promise<CircleAccess> {
    const circle = await this.circles.access(manager, actor, circleId).catch(() => {
      throw new ValidationFailed({ circleId: 'Choose a circle you host.' });
    });
    if (!circle.host) throw new ValidationFailed({ circleId: 'Choose a circle you host.' });
    return circle;
  }

  private validate(input: GatheringInput, isNew: boolean): void {
    if (input.endsAt <= input.startsAt)
      throw new ValidationFailed({ endsAt: 'The end must be after the start.' });
    if (isNew && input.startsAt <= new Date())
      throw new ValidationFailed({ startsAt: 'A new gathering must start in the future.' });
    if (!input.location && !input.onlineUrl)
      throw new ValidationFailed({ location: 'Give a place, an online link, or both.' });
  }

  /** A host of the circle (its coaches and admins in scope) schedules a gathering; audited. */
  async schedule(
    manager: EntityManager,
    actor: SessionUser | undefined,
    input: GatheringInput,
  ): Promise<Gathering> {
    const host = assertSignedIn(actor);
    const circle = await this.assertHostOf(manager, host, input.circleId);
    this.validate(input, true);
    const gathering = await manager.save(
      manager.create(Gathering, {
        ...input,
        chapterId: circle.owningChapterId,
        createdById: host.id,
        checkInSecret: randomBytes(32).toString('base64url'),
      }),
    );
    await recordAudit(manager, {
      actorId: host.id,
      action: 'gathering.scheduled',
      subjectType: 'gathering',
      subjectId: gathering.id,
      details: { circleId: circle.id },
    });
    return gathering;
  }

  /** The gathering and its circle, when the actor is a member or host; NotFound otherwise. */
  async view(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
  ): Promise<GatheringAccess> {
    const person = assertSignedIn(actor);
    const gathering = await manager.findOne(Gathering, {
      where: { id: gatheringId },
      relations: { chapter: true, circle: true },
    });
    if (!gathering) throw new NotFound(NOT_FOUND);
    const circle = await this.circles.access(manager, person, gathering.circleId).catch(() => {
      throw new NotFound(NOT_FOUND);
    });
    return { gathering, circle };
  }

  /** A public gathering as anyone may see it; null when there is none or it is not public. */
  async publicView(manager: EntityManager, gatheringId: string): Promise<PublicGathering | null> {
    const gathering = await manager.findOne(Gathering, {
      where: { id: gatheringId, isPublic: true },
      relations: { chapter: true },
    });
    return gathering ? publicFields(gathering) : null;
  }

  /** The gathering when the actor hosts its circle; NotFound for people who cannot see it, Forbidden for members. */
  async assertCanManage(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
  ): Promise<GatheringAccess & { host: SessionUser }> {
    const access = await this.view(manager, actor, gatheringId);
    if (!access.circle.host)
      throw new Forbidden('Only the hosts of this circle (its coaches and admins) can do this.');
    return { ...access, host: actor! };
  }

  private async lock(manager: EntityManager, gatheringId: string): Promise<Gathering> {
    const gathering = await manager.findOne(Gathering, {
      where: { id: gatheringId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!gathering) throw new NotFound(NOT_FOUND);
    return gathering;
  }

  /** Edits a gathering (its circle stays); a new time or place is told to everyone who answered. */
  async update(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
    input: GatheringInput,
  ): Promise<Gathering> {
    const { host, circle } = await this.assertCanManage(manager, actor, gatheringId);
    const gathering = await this.lock(manager, gatheringId);
    if (gathering.cancelledAt) throw new Conflict('This gathering was cancelled.');
    this.validate(input, false);
    const yes = await manager.count(GatheringRsvp, { where: { gatheringId, answer: 'yes' } });
    if (input.capacity !== null && input.capacity < yes)
      throw new ValidationFailed({
        capacity: `${countOf(yes, 'person', 'people')} already said yes; capacity cannot go below that.`,
      });
    const moved =
      gathering.startsAt.getTime() !== input.startsAt.getTime() ||
      gathering.endsAt.getTime() !== input.endsAt.getTime() ||
      gathering.location !== input.location ||
      gathering.onlineUrl !== input.onlineUrl;
    const { circleId: _sameCircle, ...changes } = input;
    void _sameCircle;
    // The circle's chapter is copied again: a cohort may have moved to another chapter since.
    const saved = await manager.save(
      Object.assign(gathering, changes, { chapterId: circle.owningChapterId }),
    );
    if (moved)
      await tellEveryone(
        manager,
        this.circles,
        this.baseUrl,
        saved,
        `Gathering changed: ${saved.title}`,
        'has a new time or place',
      );
    await recordAudit(manager, {
      actorId: host.id,
      action: 'gathering.updated',
      subjectType: 'gathering',
      subjectId: gathering.id,
      details: { moved },
    });
    return saved;
  }

  /** Cancels a gathering; everyone who answered is told (kind `gatherings`). Cancelling twice changes nothing. */
  async cancel(manager: EntityManager, actor: SessionUser | undefined, gatheringId: string): Promise<void> {
    const { host } = await this.assertCanManage(manager, actor, gatheringId);
    const gathering = await this.lock(manager, gatheringId);
    if (gathering.cancelledAt) return;
    gathering.cancelledAt = new Date();
    await manager.save(gathering);
    await tellEveryone(
      manager,
      this.circles,
      this.baseUrl,
      gathering,
      `Gathering cancelled: ${gathering.title}`,
      'was cancelled',
    );
    await recordAudit(manager, {
      actorId: host.id,
      action: 'gathering.cancelled',
      subjectType: 'gathering',
      subjectId: gathering.id,
    });
  }

  /**
   * One page of upcoming gatherings in the circles the actor belongs to or hosts (or one of them),
   * soonest first, continuing after `after` (keyset on start time and id).
   */
  async upcoming(
    manager: EntityManager,
    actor: SessionUser | undefined,
    filter: { circleId: string | null; after?: string },
    limit = UPCOMING_PAGE_SIZE,
  ): Promise<{ gatherings: Gathering[]; next: string | null }> {
    const person = assertSignedIn(actor);
    const visible = (await this.circles.list(manager, person))
      .filter((c) => c.member || c.host)
      .map((c) => c.id);
    const ids = filter.circleId ? visible.filter((id) => id === filter.circleId) : visible;
    if (!ids.length) return { gatherings: [], next: null };
    const query = manager
      .createQueryBuilder(Gathering, 'g')
      .leftJoinAndSelect('g.circle', 'circle')
      .where('g.circle_id IN (:...ids) AND g.cancelled_at IS NULL AND g.ends_at > now()', { ids });
    const rows = await soonestAfter(query, 'g', decodeStartPosition(filter.after))
      .take(limit + 1)
      .getMany();
    const { page, next } = keysetPage(rows, limit, startPositionOf);
    return { gatherings: page, next };
  }
}
