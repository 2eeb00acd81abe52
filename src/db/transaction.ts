import type { DataSource, EntityManager } from 'typeorm';

/** Runs `work` in one transaction; every service call inside must use the manager it receives. */
export function withTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(work);
}
