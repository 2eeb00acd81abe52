import type { EntityManager } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import { recordAudit } from '../audit/audit';
import type { Curriculum } from '../curriculum/curriculum.types';
import { assertCanReview, organizerAccess } from './coaching.policy';
import { CoachSession } from './coaching.entities';

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
  stalled: boolean;
}

/** Coach sessions and the coach's view of their organizers. */
export class RecordsService {
  constructor(private readonly curriculum: () => Curriculum) {}

  /** Logs a 1:1 conversation; only the organizer's current coach or an admin. */
  async logSession(
    manager: EntityManager,
    actor: SessionUser | undefined,
    organizerId: string,
    input: SessionInput,
  ): Promise<CoachSession> {
    const coach = await assertCanReview(manager, actor, organizerId);
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

  /** Sessions as `actor` may see them: private notes only for the coach who wrote them and admins. */
  async sessions(manager: EntityManager, actor: SessionUser | undefined, organizerId: string) {
    const access = await organizerAccess(manager, actor, organizerId);
    const sessions = await manager.find(CoachSession, {
      where: { organizerId },
      relations: { coach: true },
      order: { heldOn: 'DESC', createdAt: 'DESC' },
    });
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
   * Progress, last activity and a stalled flag for each of `organizerIds`, in a constant number
   * of queries however many organizers there are. Progress counts the first track's milestones.
   */
  async summaries(
    manager: EntityManager,
    organizers: { id: string; name: string }[],
    stalledAfterDays: number,
  ): Promise<OrganizerSummary[]> {
    if (!organizers.length) return [];
    const track = this.curriculum().tracks[0];
    const total = track.modules.reduce((sum, m) => sum + m.milestones.length, 0);
    const rows = await manager.query<{ id: string; completed: number; last_activity: Date | null }[]>(
      `SELECT u.id,
              (SELECT count(*)::int FROM milestone_completions c WHERE c.user_id = u.id AND c.track_id = $2) AS completed,
              GREATEST(u.last_login_at,
                       (SELECT max(submitted_at) FROM evidence_submissions s WHERE s.organizer_id = u.id),
                       (SELECT max(read_at) FROM module_reads r WHERE r.user_id = u.id),
                       (SELECT max(completed_at) FROM milestone_completions c WHERE c.user_id = u.id)) AS last_activity
         FROM users u WHERE u.id = ANY($1)`,
      [organizers.map((o) => o.id), track.id],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const stalledBefore = Date.now() - stalledAfterDays * 86_400_000;
    return organizers.map((organizer) => {
      const row = byId.get(organizer.id);
      const lastActivity = row?.last_activity ?? null;
      return {
        ...organizer,
        completed: row?.completed ?? 0,
        total,
        lastActivity,
        stalled: !lastActivity || lastActivity.getTime() < stalledBefore,
      };
    });
  }
}
