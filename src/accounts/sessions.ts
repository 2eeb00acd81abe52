import type { EntityManager } from 'typeorm';

/** Ends every stored session of a person, optionally keeping the one making the request. */
export async function endSessionsOf(
  manager: EntityManager,
  userId: string,
  keepSessionId?: string,
): Promise<void> {
  await manager.query(`DELETE FROM "sessions" WHERE "sess" #>> '{passport,user}' = $1 AND "sid" <> $2`, [
    userId,
    keepSessionId ?? '',
  ]);
}
