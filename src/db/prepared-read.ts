import type { Pool } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs a hot read-only query (one a page makes on every request) as a named prepared statement,
 * so PostgreSQL plans it once per pooled connection instead of on every request; for the public
 * certificate lookup that planning was most of the database's work. Same pool, timeouts and error
 * codes as TypeORM's manager.query, and the query still reaches TypeORM's logger. Inside a
 * transaction it runs on the transaction's connection as usual. `name` must be unique per SQL text.
 */
export async function preparedRead<T>(
  manager: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  if (manager.queryRunner) return manager.query<T[]>(text, values);
  manager.connection.logger.logQuery(text, values);
  const pool = (manager.connection.driver as PostgresDriver).master as Pool;
  return (await pool.query({ name, text, values })).rows as T[];
}
