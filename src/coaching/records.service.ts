import { requirementIndex } from '../curriculum/requirements';
import { preparedRead } from '../db/prepared-read';
import { MoreThan, type EntityManager } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import type { Curriculum } from '../curriculum/curriculum.types';
import { assertCanReview, organizerAccess, visibleToFormerCoach } from './coaching.policy';
import { CoachSession } from './coaching.entities';

/** A session identical to one logged this recently is taken for a second submission of it. */
const SAME_SESSION_WITHIN_MS = 10 * 60_000;

export interface SessionInput {
  heldOn: string;
  durationMinutes: number;
  privateNotes: string;
  nextStep: string;
}

export interface OrganizerSummary {
  id: string;
  name: string;
  completed: number;
  total: number;
  lastActivity: Date | null;
}

/** Stalled: no sign of activity (sign-in, reading, evidence, completion) for this many days. */
export function isStalled(lastActivity: Date | null, stalledAfterDays: number, now = Date.now()): boolean {
  return !lastActivity || lastActivity.getTime() < now - stalledAfterDays * 86_400_000;
}

/** Coach sessions and the coach's view of their organizers. */
export class RecordsService {
  constructor(private readonly curriculum: () => Curriculum) {}

  /**
   * Logs a 1:1 conversation; only the organizer's current coach or an admin, never about oneself
   * (Forbidden otherwise). The same session submitted again within ten minutes (a double click, a
   * retried form) is not logged twice: the first one is returned. Logging for one organizer is
   * serialised with a transaction-scoped advisory lock, so two copies sent at once cannot both miss
   * each other.
   */
  async logSession(
    manager: EntityManager,
    actor: SessionUser | undefined,
    organizerId: string,
    input: SessionInput,
  ): Promise<CoachSession> {
    const coach = await assertCanReview(manager, actor, organizerId);
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`coach-session:${organizerId}`]);
    const twin = await manager.findOne(CoachSession, {
      where: {
        organizerId,
        coachId: coach.id,
        ...input,
        createdAt: MoreThan(new Date(Date.now() - SAME_SESSION_WITHIN_MS)),
      },
    });
    if (twin) return twin;
    const session = await manager.save(
      manager.create(CoachSession, { organizerId, coachId: coach.id, ...input }),
    );
    await recordAudit(manager, {
      actorId: coach.id,
      action: 'coaching.session_logged',
      subjectType: 'user',
      subjectId: organizerId,
      details: { sessionId: session.id },
    });
    return session;
  }

  /**
   * Sessions as `actor` may see them: private notes only for the coach who wrote them and admins;
   * a former coach sees only sessions logged while they coached.
   */
  async sessions(manager: EntityManager, actor: SessionUser | undefined, organizerId: string) {
    const access = await organizerAccess(manager, actor, organizerId);
    const visible = await visibleToFormerCoach(manager, access, actor, organizerId);
    const sessions = (
      await manager.find(CoachSession, {
        where: { organizerId },
        relations: { coach: true },
        order: { heldOn: 'DESC', createdAt: 'DESC' },
      })
    ).filter((session) => visible(session.createdAt));
    return sessions.map((session) => ({
      heldOn: session.heldOn,
      durationMinutes: session.durationMinutes,
      coach: session.coach?.displayName ?? '',
      nextStep: session.nextStep,
      privateNotes:
        access === 'admin' || (access !== 'self' && session.coachId === actor!.id)
          ? session.privateNotes
          : undefined,
    }));
  }

  /**
   * Progress and last activity (see isStalled) for each organizer the coach coaches now, in one
   * query however many organizers there are. Progress counts the first track's milestones.
   */
  async summariesForCoach(manager: EntityManager, coachId: string): Promise<OrganizerSummary[]> {
    const track = this.curriculum().tracks[0];
    const { ids, indexes, total } = requirementIndex(track);
    // OFFSET 0 keeps each users lookup an index probe instead of a hash join over every user.
    const rows = await preparedRead<{
      id: string;
      name: string;
      completed: number;
      last_activity: Date | null;
    }>(
      manager,
      'coaching-organizer-summaries',
      `SELECT u.id, u.display_name AS name, m.completed,
              GREATEST(u.last_login_at,
                       (SELECT max(s.submitted_at) FROM evidence_submissions s WHERE s.organizer_id = u.id),
                       (SELECT max(r.read_at) FROM module_reads r WHERE r.user_id = u.id),
                       m.last_completed) AS last_activity
         FROM coach_assignments a
         CROSS JOIN LATERAL (SELECT id, display_name, last_login_at FROM users
                              WHERE id = a.organizer_id OFFSET 0) u
         CROSS JOIN LATERAL (SELECT (SELECT count(DISTINCT r.idx)::int
                                       FROM milestone_completions d
                                       JOIN unnest($2::text[], $3::int[]) AS r(id, idx) ON r.id = d.milestone_id
                                      WHERE d.user_id = u.id) AS completed,
                                    max(c.completed_at) AS last_completed
                               FROM milestone_completions c WHERE c.user_id = u.id) m
        WHERE a.coach_id = $1 AND a.ended_at IS NULL
        ORDER BY a.started_at, u.id`,
      [coachId, ids, indexes],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      completed: row.completed,
      total,
      lastActivity: row.last_activity,
    }));
  }
}
