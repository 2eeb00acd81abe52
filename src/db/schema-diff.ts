import type { DataSource } from 'typeorm';

export interface SchemaDiff {
  up: string[];
  down: string[];
}

/** The SQL a generated migration would contain: empty when entities and migrations agree. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<SchemaDiff> {
  // TypeORM finds a generated column's expression in typeorm_metadata by database name; a copied
  // database (a template, a restore under another name) still names the original, so re-point it.
  await dataSource.query(`DO $$ BEGIN
    IF to_regclass('typeorm_metadata') IS NOT NULL THEN
      UPDATE typeorm_metadata SET "database" = current_database() WHERE "database" IS DISTINCT FROM current_database();
    END IF; END $$`);
  const log = await dataSource.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((query) => query.query),
    down: log.downQueries.map((query) => query.query).reverse(),
  };
}
