import type { EntityManager } from 'typeorm';

/** A column for insertMany: its name, the PostgreSQL type of the array passed for it, and an optional expression. */
export interface BulkColumn {
  name: string;
  type: string;
  /** SQL computing the stored value from `t.<name>` (default: the value itself). */
  expr?: string;
}

/**
 * Inserts rows with one `INSERT … SELECT FROM unnest($1::type[], …)` per batch: one round trip and
 * one parameter per column, however many rows (much faster than VALUES lists or TypeORM saves).
 */
export async function insertMany(
  manager: EntityManager,
  table: string,
  columns: BulkColumn[],
  rows: readonly (readonly unknown[])[],
  options: { batchSize?: number; onConflict?: string } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 10_000;
  const names = columns.map((c) => c.name);
  const sql = `INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')})
    SELECT ${columns.map((c) => c.expr ?? `t."${c.name}"`).join(', ')}
      FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) AS t(${names.map((n) => `"${n}"`).join(', ')})
    ${options.onConflict ?? ''}`;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    await manager.query(
      sql,
      columns.map((_, i) => batch.map((row) => row[i])),
    );
  }
  return rows.length;
}

/** Row counts of the tables a seed fills, for the summary it prints. */
export async function tableCounts(manager: EntityManager, tables: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await manager.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row.n;
  }
  return counts;
}
