import type { DataSource } from 'typeorm';
import { countActiveAdmins } from './users';

/**
 * Whether a fresh instance still waits for its first admin (the home page says so). Once an admin
 * exists the answer stays "no" in this process (the last active admin cannot be removed), so pages
 * stop asking the database.
 */
export function setupWaitingCheck(dataSource: DataSource): () => Promise<boolean> {
  let done = false;
  return async () => {
    if (done) return false;
    done = (await countActiveAdmins(dataSource.manager)) > 0;
    return !done;
  };
}

/** Where a new account goes first: organizers to their progress, coaches to coaching, admins to the admin home. */
export function landingPathFor(role: string): string {
  if (role === 'coach') return '/coach';
  if (role === 'admin') return '/admin';
  return '/me';
}

/** "a coach", "an organizer", "an admin". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
