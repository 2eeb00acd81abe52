import type { Logger, QueryRunner } from 'typeorm';

/** Records the SQL TypeORM runs, so tests can hold pages to a query budget. */
export class QueryCounter implements Logger {
  queries: string[] = [];
  logQuery(query: string, _parameters?: unknown[], _runner?: QueryRunner) {
    this.queries.push(query);
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}
