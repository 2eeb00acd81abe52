import type { EntityManager } from 'typeorm';
import { preparedRead } from '../db/prepared-read';
import { NotFound } from '../web/errors';
import type { Curriculum, CurriculumModule, CurriculumTrack } from './curriculum.types';
import { MilestoneCompletion, ModuleRead, type CompletionSource } from './progress.entities';
import { doneMilestoneIds, isMet, moduleRequirements, trackMilestoneIds } from './requirements';

/** Change notices about reading and milestone records (migration KeyedChangeNotices…): `progress:<user id>`. */
export const PROGRESS_TOPIC = 'progress';

export type ModuleProgressState = 'not-started' | 'read' | 'in-progress' | 'complete';

export interface ModuleProgress {
  module: CurriculumModule;
  read: boolean;
  /** Requirements met in the module (a milestone or one of its alternatives). */
  completedMilestones: number;
  /** Requirements in the module (alternatives count once). */
  total: number;
  state: ModuleProgressState;
}

export interface NextStep {
  kind: 'read' | 'milestone' | 'done';
  module?: CurriculumModule;
  milestoneTitle?: string;
}

export interface TrackProgress {
  completed: number;
  total: number;
  modules: ModuleProgress[];
  nextStep: NextStep;
}

/** One person's reading and milestone record across every track. */
export interface ReadingRecord {
  readAt: Map<string, Date>;
  completed: Set<string>;
}

export function moduleStateFrom(record: ReadingRecord, module: CurriculumModule): ModuleViewerState {
  return {
    readAt: record.readAt.get(module.id) ?? null,
    completedMilestoneIds: doneMilestoneIds(module, record.completed),
  };
}

export interface ModuleViewerState {
  readAt: Date | null;
  completedMilestoneIds: Set<string>;
}

function stateOf(read: boolean, done: number, total: number): ModuleProgressState {
  if (done === total && total > 0) return 'complete';
  if (done > 0) return 'in-progress';
  return read ? 'read' : 'not-started';
}

/** What happens around completions once certificates exist (wired in by createApp). */
export interface CompletionHooks {
  /** Runs after a new completion, in its transaction: issues the certificate when the track is done. */
  afterCompletion(manager: EntityManager, userId: string, trackId: string): Promise<void>;
  /** True when completions of the track must stay (the person holds a certificate for it). */
  completionsAreLocked(manager: EntityManager, userId: string, trackId: string): Promise<boolean>;
  /** The tracks this one requires whose certificate the person does not hold in force. */
  missingTiers?(manager: EntityManager, userId: string, track: CurriculumTrack): Promise<CurriculumTrack[]>;
}

export type UncompleteResult = 'undone' | 'kept-certified' | 'not-complete';

/**
 * Serialises everything that decides one person's completion of one track, across processes: the
 * second of two concurrent "last milestone" transactions waits, then sees the first one's row.
 */
export async function lockTrackFor(manager: EntityManager, userId: string, trackId: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`track:${userId}:${trackId}`]);
}

/**
 * Keeps each completion's derived `track_id` and `module_id` where its milestone (or the milestone
 * that replaced it) lives now, after modules moved between tiers. The milestone id, source and date
 * are never touched. Progress reads completions by milestone id and does not need this; the
 * per-person summaries behind reports (kept by triggers, per recorded track) do.
 *
 * Runs once per curriculum version (recorded in completion_homes_state, claimed under a row lock so
 * a second process waits and then finds it done): comparing every completion costs a full scan, too
 * long for every start at scale. The one filing after a change has no statement timeout (it may
 * move millions of rows). Must run in a transaction; returns the number of rows re-homed.
 */
export async function rehomeCompletions(manager: EntityManager, curriculum: Curriculum): Promise<number> {
  await manager.query(
    `INSERT INTO completion_homes_state (id, version) VALUES (1, '') ON CONFLICT (id) DO NOTHING`,
  );
  const [state] = await manager.query<{ version: string }[]>(
    'SELECT version FROM completion_homes_state WHERE id = 1 FOR UPDATE',
  );
  if (state.version === curriculum.version) return 0;
  await manager.query('SET LOCAL statement_timeout = 0');
  const homes = [...curriculum.milestoneById.entries()];
  const [, affected] = await manager.query<[unknown, number]>(
    `UPDATE milestone_completions c SET track_id = h.track_id, module_id = h.module_id
       FROM unnest($1::text[], $2::text[], $3::text[]) AS h(milestone_id, module_id, track_id)
      WHERE c.milestone_id = h.milestone_id
        AND (c.track_id, c.module_id) IS DISTINCT FROM (h.track_id, h.module_id)`,
    [homes.map(([id]) => id), homes.map(([, f]) => f.module.id), homes.map(([, f]) => f.module.trackId)],
  );
  await manager.query('UPDATE completion_homes_state SET version = $1, filed_at = now() WHERE id = 1', [
    curriculum.version,
  ]);
  return affected;
}

/** Reading state and milestone completion: the one place that decides what "complete" means. */
export class ProgressService {
  private hooks?: CompletionHooks;

  constructor(private readonly curriculum: () => Curriculum) {}

  useHooks(hooks: CompletionHooks): void {
    this.hooks = hooks;
  }

  /**
   * Records that a person completed a milestone. Idempotent (unique per person and milestone);
   * returns true when this call completed it. Coaching approvals and workshop attendance call this.
   */
  async milestoneCompleted(
    manager: EntityManager,
    input: { userId: string; milestoneId: string; source: CompletionSource },
  ): Promise<boolean> {
    const found = this.curriculum().milestoneById.get(input.milestoneId);
    if (!found) throw new NotFound(`There is no milestone "${input.milestoneId}".`);
    await lockTrackFor(manager, input.userId, found.module.trackId);
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(MilestoneCompletion)
      .values({ ...input, moduleId: found.module.id, trackId: found.module.trackId })
      .orIgnore()
      .execute();
    const created = (result.raw as unknown[]).length > 0;
    if (created) await this.hooks?.afterCompletion(manager, input.userId, found.module.trackId);
    return created;
  }

  /**
   * Undoes a completion (an approval withdrawn, attendance corrected), unless the person already
   * holds a certificate for the track: then the completion stays and the caller tells the admin.
   */
  async milestoneUncompleted(
    manager: EntityManager,
    input: { userId: string; milestoneId: string },
  ): Promise<UncompleteResult> {
    const trackId =
      this.curriculum().milestoneById.get(input.milestoneId)?.module.trackId ??
      (await manager.findOne(MilestoneCompletion, { where: input }))?.trackId;
    if (!trackId) return 'not-complete';
    await lockTrackFor(manager, input.userId, trackId);
    if (await this.hooks?.completionsAreLocked(manager, input.userId, trackId)) {
      return (await manager.exists(MilestoneCompletion, { where: input })) ? 'kept-certified' : 'not-complete';
    }
    const deleted = await manager.delete(MilestoneCompletion, { userId: input.userId, milestoneId: input.milestoneId });
    return deleted.affected ? 'undone' : 'not-complete';
  }

  /** The earlier tiers the person still needs before this track's certificate can be issued. */
  async missingTiers(manager: EntityManager, userId: string, track: CurriculumTrack): Promise<CurriculumTrack[]> {
    if (!track.requires.length || !this.hooks?.missingTiers) return [];
    return this.hooks.missingTiers(manager, userId, track);
  }

  async markRead(manager: EntityManager, userId: string, module: CurriculumModule): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ModuleRead)
      .values({ userId, moduleId: module.id })
      .orIgnore()
      .execute();
  }

  /** Everything one person has read (and when) and every milestone they completed, in one query. */
  async readingRecord(manager: EntityManager, userId: string): Promise<ReadingRecord> {
    const [row] = await preparedRead<{ read: string[] | null; read_at: Date[] | null; done: string[] | null }>(
      manager,
      'progress-reading-record',
      `SELECT r.read, r.read_at, c.done
         FROM (SELECT array_agg(module_id) AS read, array_agg(read_at) AS read_at
                 FROM module_reads WHERE user_id = $1) r,
              (SELECT array_agg(milestone_id) AS done FROM milestone_completions WHERE user_id = $1) c`,
      [userId],
    );
    const readAt = row.read_at ?? [];
    return {
      readAt: new Map((row.read ?? []).map((moduleId, i) => [moduleId, readAt[i]])),
      completed: new Set(row.done ?? []),
    };
  }

  /** The viewer's read time and completed milestones for one module. */
  async moduleState(
    manager: EntityManager,
    userId: string,
    module: CurriculumModule,
  ): Promise<ModuleViewerState> {
    return moduleStateFrom(await this.readingRecord(manager, userId), module);
  }

  /**
   * Requirements met / total (a milestone or one of its alternatives, completed under its own id or
   * an id it replaces), each module's state and the next step, in one query. Completions are read by
   * milestone id, not by the track they were recorded on, so moving a module to another tier keeps them.
   */
  async trackProgress(
    manager: EntityManager,
    userId: string,
    track: CurriculumTrack,
  ): Promise<TrackProgress> {
    const rows = await manager.query<{ kind: 'read' | 'done'; id: string }[]>(
      `SELECT 'read' AS kind, module_id AS id FROM module_reads WHERE user_id = $1 AND module_id = ANY($2)
       UNION ALL
       SELECT 'done', milestone_id FROM milestone_completions WHERE user_id = $1 AND milestone_id = ANY($3)`,
      [userId, track.modules.map((m) => m.id), trackMilestoneIds(track)],
    );
    const read = new Set(rows.filter((r) => r.kind === 'read').map((r) => r.id));
    const done = new Set(rows.filter((r) => r.kind === 'done').map((r) => r.id));
    const modules = track.modules.map((module) => {
      const requirements = moduleRequirements(module);
      const completedMilestones = requirements.filter((r) => isMet(r, done)).length;
      const isRead = read.has(module.id);
      return {
        module,
        read: isRead,
        completedMilestones,
        total: requirements.length,
        state: stateOf(isRead, completedMilestones, requirements.length),
      };
    });
    const total = modules.reduce((sum, m) => sum + m.total, 0);
    const completed = modules.reduce((sum, m) => sum + m.completedMilestones, 0);
    return { completed, total, modules, nextStep: nextStepOf(modules, done) };
  }
}

function nextStepOf(modules: ModuleProgress[], done: Set<string>): NextStep {
  const next = modules.find((m) => m.state !== 'complete');
  if (!next) return { kind: 'done' };
  if (!next.read && next.completedMilestones === 0) return { kind: 'read', module: next.module };
  const requirement = moduleRequirements(next.module).find((r) => !isMet(r, done));
  return { kind: 'milestone', module: next.module, milestoneTitle: requirement?.milestone.title };
}
