import { DataSource, type Logger } from 'typeorm';
import { entities } from './entities';
import { migrations } from '../../migrations';

export interface DataSourceOptions {
  url: string;
  poolMax?: number;
  connectTimeoutMs?: number;
  /** A TypeORM logger that sees every query (tests count queries with it). */
  queryLogger?: Logger;
}

/**
 * The one DataSource shape used by the server, the CLI scripts and the tests.
 * The pool fails fast: bounded size, a connect timeout and a query timeout, so a database outage
 * turns into quick 503s instead of piled-up requests.
 */
export function createDataSource({
  url,
  poolMax = 10,
  connectTimeoutMs = 3000,
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
      query_timeout: 15_000,
      application_name: 'organizer-academy',
    },
  });
}
