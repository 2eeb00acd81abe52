import type { EntityManager } from 'typeorm';

type Reads<T extends unknown[]> = { [K in keyof T]: () => Promise<T[K]> };

/**
 * Independent reads for a service that was handed `manager`: side by side when it draws from the
 * pool, one after another when it is a transaction's. A transaction holds one connection, and pg
 * queues a query sent while another runs on it (deprecated now, refused from pg 9).
 */
export async function readTogether<T extends unknown[]>(
  manager: EntityManager,
  ...reads: Reads<T>
): Promise<T> {
  if (!manager.queryRunner) return (await Promise.all(reads.map((read) => read()))) as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as T;
}
