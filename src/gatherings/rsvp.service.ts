import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { User } from '../accounts/user.entity';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import { Conflict, Forbidden, NotFound } from '../web/errors';
import { Gathering, GatheringRsvp, type RsvpAnswer } from './gathering.entities';
import type { GatheringsService } from './gatherings.service';
import { countOf } from '../web/format';

/** Members answer yes or no; "yes" answers never exceed the capacity. */
export class RsvpService {
  constructor(private readonly gatherings: GatheringsService) {}

  /**
   * Records a member's answer until the gathering starts. The gathering row is locked first, so
   * simultaneous "yes" answers (from any number of app processes) are counted one after another
   * and the last free place goes to exactly one of them. Throws NotFound for people who cannot see
   * the gathering, Forbidden for hosts who are not members, Conflict when it is full, cancelled or
   * has started.
   */
  async answer(
    manager: EntityManager,
    actor: SessionUser | undefined,
    gatheringId: string,
    answer: RsvpAnswer,
  ): Promise<RsvpAnswer> {
    const { circle } = await this.gatherings.view(manager, actor, gatheringId);
    const person = actor!;
    if (!circle.member)
      throw new Forbidden('Only members of this circle can answer; you see it as one of its hosts.');
    const gathering = await manager.findOne(Gathering, {
      where: { id: gatheringId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!gathering) throw new NotFound('That gathering does not exist.');
    if (gathering.cancelledAt) throw new Conflict('This gathering was cancelled.');
    if (gathering.startsAt <= new Date())
      throw new Conflict('Answers closed when the gathering started; you can still come and check in.');
    const previous = await manager.findOneBy(GatheringRsvp, { gatheringId, userId: person.id });
    if (previous?.answer === answer) return answer;
    if (answer === 'yes' && gathering.capacity !== null) {
      const yes = await manager.count(GatheringRsvp, { where: { gatheringId, answer: 'yes' } });
      if (yes >= gathering.capacity)
        throw new Conflict(
          `This gathering is full (${countOf(gathering.capacity, 'place', 'places')}). If someone changes their answer, a place opens up.`,
        );
    }
    await manager.upsert(GatheringRsvp, { gatheringId, userId: person.id, answer, updatedAt: new Date() }, [
      'gatheringId',
      'userId',
    ]);
    await recordAudit(manager, {
      actorId: person.id,
      action: 'gathering.rsvp',
      subjectType: 'gathering',
      subjectId: gatheringId,
      details: { from: previous?.answer ?? null, to: answer },
    });
    return answer;
  }

  async answerOf(manager: EntityManager, gatheringId: string, userId: string): Promise<RsvpAnswer | null> {
    const row = await manager.findOneBy(GatheringRsvp, { gatheringId, userId });
    return row?.answer ?? null;
  }

  /** "yes" answers per gathering. */
  async yesCounts(manager: EntityManager, gatheringIds: string[]): Promise<Map<string, number>> {
    if (!gatheringIds.length) return new Map();
    const rows = await manager.query<{ gathering_id: string; n: number }[]>(
      `SELECT gathering_id, count(*)::int AS n FROM gathering_rsvps
        WHERE gathering_id = ANY($1) AND answer = 'yes' GROUP BY gathering_id`,
      [gatheringIds],
    );
    return new Map(rows.map((r) => [r.gathering_id, r.n]));
  }

  /** The names of the people who said yes (shown to members of the circle). */
  async goingNames(manager: EntityManager, gatheringId: string): Promise<string[]> {
    const rows = await manager.find(GatheringRsvp, { where: { gatheringId, answer: 'yes' } });
    if (!rows.length) return [];
    const people = await manager.find(User, {
      where: { id: In(rows.map((r) => r.userId)) },
      select: { displayName: true },
      order: { displayName: 'ASC' },
    });
    return people.map((p) => p.displayName);
  }
}
