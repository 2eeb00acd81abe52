import { parse } from 'csv-parse/sync';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { Chapter } from '../accounts/chapter.entity';
import { Cohort } from '../accounts/cohort.entity';
import type { InvitesService } from '../accounts/invites.service';
import { assertAdmin, scopeOf } from '../accounts/policy';
import { ROLES, type Role } from '../accounts/roles';
import type { SessionUser } from '../accounts/session-user';
import { User } from '../accounts/user.entity';
import { recordAudit } from '../audit/audit';
import { ValidationFailed } from '../web/errors';
import { readTogether } from '../db/read-together';
import { formatCount } from '../web/format';

/** The advisory lock serialising imports (any fixed number of our own). */
const IMPORT_LOCK_KEY = 7_164_927_301_455_002;

export const IMPORT_COLUMNS = ['email', 'name', 'role', 'chapter', 'cohort', 'coach'] as const;
export const MAX_IMPORT_ROWS = 5_000;

export type RowOutcome = 'invite' | 'has-account' | 'already-invited' | 'error';

export interface ImportRow {
  /** Line in the file (the header is line 1). */
  line: number;
  email: string;
  name: string;
  role: string;
  chapter: string;
  cohort: string;
  coach: string;
  outcome: RowOutcome;
  errors: string[];
  newCohort: boolean;
}

export interface ImportPlan {
  rows: ImportRow[];
  counts: Record<RowOutcome, number>;
}

const email = z.email();

/**
 * Bulk invites from CSV (email, name, role, chapter, cohort, coach). `plan` is the dry run: every
 * row's outcome and every error with its line, writing nothing. `run` re-plans inside the
 * caller's transaction and invites every valid row; rows for addresses that already have an
 * account or an open invite are skipped, so importing the same file twice creates no duplicates.
 */
export class ImportService {
  constructor(private readonly invites: InvitesService) {}

  private read(text: string): Record<string, string>[] {
    let records: string[][];
    try {
      records = parse(text.replace(/^\ufeff/, ''), {
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
      });
    } catch (error) {
      throw new ValidationFailed({
        csv: `The file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    const [header, ...body] = records;
    const columns = (header ?? []).map((h) => h.toLowerCase());
    if (!columns.includes('email'))
      throw new ValidationFailed({
        csv: `The first line must name the columns: ${IMPORT_COLUMNS.join(', ')} (email is required).`,
      });
    if (body.length > MAX_IMPORT_ROWS)
      throw new ValidationFailed({
        csv: `At most ${formatCount(MAX_IMPORT_ROWS)} rows at a time; this file has ${formatCount(body.length)}.`,
      });
    if (body.length === 0) throw new ValidationFailed({ csv: 'The file has a header but no rows.' });
    return body.map((cells) => Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? ''])));
  }

  async plan(manager: EntityManager, actor: SessionUser | undefined, text: string): Promise<ImportPlan> {
    const admin = assertAdmin(actor);
    const scope = scopeOf(admin);
    const records = this.read(text);
    const [chapters, cohorts, coaches] = await readTogether(
      manager,
      () => manager.find(Chapter),
      () => manager.find(Cohort),
      () => manager.find(User, { where: { role: 'coach', active: true } }),
    );
    const emails = records.map((r) => (r.email ?? '').toLowerCase());
    const [accounts, invited] = await readTogether(
      manager,
      () => manager.query<{ email: string }[]>('SELECT email FROM users WHERE email = ANY($1)', [emails]),
      () =>
        manager.query<{ email: string }[]>(
          'SELECT email FROM invites WHERE email = ANY($1) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()',
          [emails],
        ),
    );
    const hasAccount = new Set(accounts.map((a) => a.email));
    const hasInvite = new Set(invited.map((i) => i.email));
    const seen = new Map<string, number>();
    const rows = records.map((record, i): ImportRow => {
      const line = i + 2;
      const row = {
        line,
        email: (record.email ?? '').toLowerCase(),
        name: record.name ?? '',
        role: (record.role || 'organizer').toLowerCase(),
        chapter: record.chapter ?? '',
        cohort: record.cohort ?? '',
        coach: (record.coach ?? '').toLowerCase(),
      };
      const errors: string[] = [];
      if (!email.safeParse(row.email).success)
        errors.push(`"${row.email || '(empty)'}" is not an email address.`);
      if (seen.has(row.email)) errors.push(`This email is already on line ${seen.get(row.email)}.`);
      else seen.set(row.email, line);
      if (row.name.length > 100) errors.push('The name is longer than 100 characters.');
      if (/[\r\n]/.test(row.name)) errors.push('The name must fit on one line.');
      if (!ROLES.includes(row.role as Role))
        errors.push(`Unknown role "${row.role}"; use ${ROLES.join(', ')}.`);
      if (scope && row.role === 'admin') errors.push('Only admins of the whole academy can invite admins.');
      const chapter = row.chapter
        ? chapters.find((c) => c.name.toLowerCase() === row.chapter.toLowerCase())
        : undefined;
      if (row.chapter && !chapter) errors.push(`There is no chapter called "${row.chapter}".`);
      if (scope && chapter && chapter.id !== scope)
        errors.push('You can only invite people into your own chapter.');
      const cohort = row.cohort
        ? cohorts.find((c) => c.name.toLowerCase() === row.cohort.toLowerCase())
        : undefined;
      if (cohort && scope && cohort.chapterId !== scope)
        errors.push(`The cohort "${row.cohort}" belongs to another chapter.`);
      if (row.cohort.length > 120) errors.push('The cohort name is longer than 120 characters.');
      if (/[\r\n]/.test(row.cohort)) errors.push('The cohort name must fit on one line.');
      if (row.coach && !coaches.some((c) => c.email === row.coach))
        errors.push(`"${row.coach}" is not an active coach.`);
      if (row.coach && row.role !== 'organizer') errors.push('Only organizers get a coach.');
      const outcome: RowOutcome = errors.length
        ? 'error'
        : hasAccount.has(row.email)
          ? 'has-account'
          : hasInvite.has(row.email)
            ? 'already-invited'
            : 'invite';
      return { ...row, outcome, errors, newCohort: Boolean(row.cohort && !cohort && !errors.length) };
    });
    const counts = { invite: 0, 'has-account': 0, 'already-invited': 0, error: 0 };
    for (const row of rows) counts[row.outcome] += 1;
    return { rows, counts };
  }

  /**
   * Invites every valid row in the caller's transaction; returns what happened. Imports run one at
   * a time (a transaction-scoped advisory lock, taken before planning): a confirm sent twice, or
   * the same file confirmed by two admins, plans the second run after the first committed, so it
   * finds the cohort and the invites there and creates nothing twice.
   */
  async run(manager: EntityManager, actor: SessionUser | undefined, text: string): Promise<ImportPlan> {
    const admin = assertAdmin(actor);
    await manager.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK_KEY]);
    const scope = scopeOf(admin);
    const plan = await this.plan(manager, admin, text);
    const chapters = await manager.find(Chapter);
    const cohortIds = new Map((await manager.find(Cohort)).map((c) => [c.name.toLowerCase(), c.id]));
    const coaches = new Map(
      (await manager.find(User, { where: { role: 'coach', active: true } })).map((c) => [c.email, c.id]),
    );
    for (const row of plan.rows.filter((r) => r.outcome === 'invite')) {
      const chapterId = row.chapter
        ? chapters.find((c) => c.name.toLowerCase() === row.chapter.toLowerCase())!.id
        : scope;
      let cohortId: string | null = null;
      if (row.cohort) {
        cohortId = cohortIds.get(row.cohort.toLowerCase()) ?? null;
        if (!cohortId) {
          cohortId = (
            await manager.save(manager.create(Cohort, { name: row.cohort, chapterId: scope ?? chapterId }))
          ).id;
          cohortIds.set(row.cohort.toLowerCase(), cohortId);
        }
      }
      await this.invites.create(manager, admin, {
        email: row.email,
        role: row.role as Role,
        chapterId: chapterId ?? null,
        displayName: row.name || null,
        cohortId,
        coachId: row.coach ? (coaches.get(row.coach) ?? null) : null,
      });
    }
    await recordAudit(manager, {
      actorId: admin.id,
      action: 'import.invites',
      subjectType: 'import',
      subjectId: new Date().toISOString(),
      details: {
        ...plan.counts,
        errorLines: plan.rows.filter((r) => r.outcome === 'error').map((r) => r.line),
      },
    });
    return plan;
  }
}
