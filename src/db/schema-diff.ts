import type { DataSource } from 'typeorm';

export interface SchemaDiff {
  up: string[];
  down: string[];
}

/** The SQL a generated migration would contain: empty when entities and migrations agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<SchemaDiff> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((query) => query.query),
    down: log.downQueries.map((query) => query.query).reverse(),
  };
}
