import { DataSource, type Logger } from 'typeorm';
import { entities } from './entities';
import { migrations } from '../../migrations';

export interface DataSourceOptions {
  url: string;
  poolMax?: number;
  connectTimeoutMs?: number;
  /**
   * Longest a statement may run: PostgreSQL cancels it then (statement_timeout), and the client
   * gives up a second later should the server not answer at all (a silent network partition).
   * 0: no limit (migrations; streamed exports use their own connections).
   */
  queryTimeoutMs?: number;
  /** A TypeORM logger that sees every query (tests count queries with it). */
  queryLogger?: Logger;
}

/** How much longer than the server's statement_timeout the client waits for an answer. */
const CLIENT_GRACE_MS = 1000;

/**
 * The one DataSource shape used by the server, the CLI scripts and the tests.
 * The pool fails fast: bounded size, a connect timeout and a query timeout, so a database outage
 * turns into quick 503s instead of piled-up requests.
 */
export function createDataSource({
  url,
  poolMax = 10,
  connectTimeoutMs = 3000,
  queryTimeoutMs = 15_000,
  queryLogger,
}: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no extension (and no superuser) needed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: queryLogger ? ['query'] : false,
    logger: queryLogger,
    extra: {
      max: poolMax,
      connectionTimeoutMillis: connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      ...(queryTimeoutMs > 0 && {
        statement_timeout: queryTimeoutMs,
        query_timeout: queryTimeoutMs + CLIENT_GRACE_MS,
      }),
      application_name: 'organizer-academy',
    },
  });
}
