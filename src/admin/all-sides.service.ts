import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { assertAdmin, scopeOf } from '../accounts/policy';
import type { SessionUser } from '../accounts/session-user';
import { fields } from '../web/fields';
import { isoDay } from './reports.schemas';
import type { Side, SideMeasure } from './side-measures';

export const PERIODS = ['month', 'quarter'] as const;
export type PeriodKind = (typeof PERIODS)[number];
/** At most this many periods: each measure runs once per period. */
const MAX_PERIODS: Record<PeriodKind, number> = { month: 24, quarter: 12 };

export const allSidesQuery = z.object({
  chapterId: fields.optionalUuid('Chapter').catch(null),
  /** The page's cursor: the last chapter of the previous page. */
  after: fields.optionalUuid('Page').catch(null),
  period: z.enum(PERIODS).catch('quarter'),
  from: isoDay.optional().catch(undefined),
  to: isoDay.optional().catch(undefined),
});
export type AllSidesQuery = z.infer<typeof allSidesQuery>;

export interface Period {
  label: string;
  /** First day, inclusive (UTC midnight). */
  start: Date;
  /** First day of the next period, exclusive. */
  end: Date;
}

export const SIDE_LABELS: Record<Side, string> = {
  helped: 'People helped',
  volunteers: 'Volunteers engaged',
  learners: 'Learners',
  doors: 'Ways in',
};

const utc = (y: number, m: number) => new Date(Date.UTC(y, m, 1));

function startOf(kind: PeriodKind, d: Date): Date {
  const m = d.getUTCMonth();
  return utc(d.getUTCFullYear(), kind === 'month' ? m : m - (m % 3));
}

function labelOf(kind: PeriodKind, start: Date): string {
  const y = start.getUTCFullYear();
  return kind === 'month'
    ? start.toISOString().slice(0, 7)
    : `${y} Q${Math.floor(start.getUTCMonth() / 3) + 1}`;
}

/**
 * The periods covering [from, to] (whole months or quarters), at most MAX_PERIODS of them (the
 * latest kept). Defaults: the last four quarters, or the last twelve months, up to today.
 */
export function periodsOf(
  query: AllSidesQuery,
  today = new Date(),
): { periods: Period[]; note: string | null } {
  const kind = query.period;
  const step = kind === 'month' ? 1 : 3;
  let to = query.to ?? today;
  let from = query.from ?? new Date(startOf(kind, to).getTime());
  if (!query.from) from = utc(from.getUTCFullYear(), from.getUTCMonth() - (kind === 'month' ? 11 : 9));
  let note: string | null = null;
  if (from > to) {
    [from, to] = [to, from];
    note = 'The start date was after the end date; they were swapped.';
  }
  const periods: Period[] = [];
  for (let start = startOf(kind, from); start <= to;) {
    const end = utc(start.getUTCFullYear(), start.getUTCMonth() + step);
    periods.push({ label: labelOf(kind, start), start, end });
    start = end;
  }
  if (periods.length > MAX_PERIODS[kind]) {
    periods.splice(0, periods.length - MAX_PERIODS[kind]);
    note = `This report shows at most ${MAX_PERIODS[kind]} ${kind}s; the earliest were left out.`;
  }
  return { periods, note };
}

export interface AllSidesRow {
  chapterId: string | null;
  chapter: string;
  period: Period;
  values: Record<string, number>;
}

/** Chapters shown on one page of the report: this many, in name order. */
export const CHAPTERS_PER_PAGE = 25;

/** Which chapters a page shows: those after the chapter `after` (by name, then id), `size` of them. */
export interface ChapterPage {
  after: string | null;
  size: number;
}

type ChapterRow = { id: string | null; name: string };

/**
 * The chapters of one page (or all, up to 1000, without one) and the cursor of the next page.
 * "No chapter" comes last, so only on the last page.
 */
async function chaptersOf(
  manager: EntityManager,
  only: string | null,
  page: ChapterPage | undefined,
): Promise<{ chapters: ChapterRow[]; next: string | null }> {
  const cursor = page?.after
    ? (
        await manager.query<{ name: string; id: string }[]>(`SELECT name, id FROM chapters WHERE id = $1`, [
          page.after,
        ])
      )[0]
    : undefined;
  const limit = page ? page.size + 1 : 1000;
  const chapters = await manager.query<ChapterRow[]>(
    `SELECT id, name FROM chapters
      WHERE ($1::uuid IS NULL OR id = $1) AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid))
      ORDER BY name, id LIMIT $4`,
    [only, cursor?.name ?? null, cursor?.id ?? null, limit],
  );
  const more = page !== undefined && chapters.length > page.size;
  if (more) chapters.length = page.size;
  if (!only && !more) chapters.push({ id: null, name: 'No chapter' });
  return { chapters, next: more ? chapters.at(-1)!.id : null };
}

/**
 * The "from all sides" report: every measure for every period, per chapter. Each measure runs one
 * query per period (bounded by MAX_PERIODS) whatever the number of chapters; a chapter-scoped admin
 * sees only their chapter, and anyone may pick one chapter. With `page`, only that page's chapters
 * get rows, and `next` is the cursor of the next page (null on the last). Run it through the report
 * runner (read-only, time-limited, admitted).
 */
export async function allSidesPage(
  manager: EntityManager,
  actor: SessionUser | undefined,
  measures: readonly SideMeasure[],
  periods: Period[],
  chapterId: string | null,
  page?: ChapterPage,
): Promise<{ rows: AllSidesRow[]; next: string | null }> {
  const only = scopeOf(assertAdmin(actor)) ?? chapterId;
  const { chapters, next } = await chaptersOf(manager, only, page);
  const rows: AllSidesRow[] = [];
  const figures = new Map<string, Map<string | null, number>>();
  for (const period of periods)
    for (const measure of measures)
      figures.set(
        `${period.label}|${measure.key}`,
        await measure.count(manager, { from: period.start, to: period.end }),
      );
  for (const chapter of chapters)
    for (const period of periods)
      rows.push({
        chapterId: chapter.id,
        chapter: chapter.name,
        period,
        values: Object.fromEntries(
          measures.map((m) => [m.key, figures.get(`${period.label}|${m.key}`)!.get(chapter.id) ?? 0]),
        ),
      });
  // "No chapter" is shown only when something belongs to it.
  return {
    rows: rows.filter((r) => r.chapterId !== null || Object.values(r.values).some((n) => n > 0)),
    next,
  };
}

/** Every chapter's rows of the report (the CSV export): allSidesPage without pages. */
export async function allSidesReport(
  manager: EntityManager,
  actor: SessionUser | undefined,
  measures: readonly SideMeasure[],
  periods: Period[],
  chapterId: string | null,
): Promise<AllSidesRow[]> {
  return (await allSidesPage(manager, actor, measures, periods, chapterId)).rows;
}
