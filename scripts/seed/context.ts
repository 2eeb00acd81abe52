import 'reflect-metadata';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createCertificateServices } from '../../src/certificates';
import { IssuerKeysService } from '../../src/certificates/issuer-keys.service';
import { loadConfig, type Config } from '../../src/config';
import { CurriculumCatalog } from '../../src/curriculum/catalog';
import type { Curriculum } from '../../src/curriculum/curriculum.types';
import { ProgressService } from '../../src/curriculum/progress.service';
import { connectDatabase, type Database } from '../../src/db/connect';

/** What the seed scripts share: the configured database (migrated), the curriculum and the services wired as the app wires them. */
export interface SeedContext {
  config: Config;
  db: Database;
  dataSource: DataSource;
  pool: Pool;
  curriculum: () => Curriculum;
  progress: ProgressService;
  certificateServices: ReturnType<typeof createCertificateServices>;
}

/**
 * Connects like the server does (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR), applies
 * pending migrations, makes sure the issuer key exists, and wires the progress → certificate hook.
 */
export async function openSeedContext(): Promise<SeedContext> {
  // Seeding runs large statements, on busy machines slowly: a generous timeout unless one is set.
  const config = loadConfig({
    ...process.env,
    DB_QUERY_TIMEOUT_MS: process.env.DB_QUERY_TIMEOUT_MS ?? '600000',
  });
  const catalog = new CurriculumCatalog(config.curriculumDir);
  const db = await connectDatabase(config, { migrate: true });
  const { dataSource } = db;
  await dataSource.transaction((manager) => IssuerKeysService.forConfig(config).ensureKey(manager));
  const curriculum = () => catalog.current();
  const certificateServices = createCertificateServices(config, curriculum);
  const progress = new ProgressService(curriculum);
  progress.useHooks(certificateServices.hooks);
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  return { config, db, dataSource, pool, curriculum, progress, certificateServices };
}

export function secondsSince(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`;
}
