import type { EntityManager } from 'typeorm';
import { BENCH_DOMAIN } from './bench-manifest';

/** Posts in the benchmark's busy circle (the "circle-page" case). */
export const BENCH_CIRCLE_POSTS = 10_000;

/** Where the circle case points: the circle page and people who belong to it. */
export interface BenchCircle {
  path: string;
  posts: number;
  /** Organizers of the circle's chapter (members), to sign in as. */
  members: string[];
}

/**
 * Makes the first bench chapter's circle hold BENCH_CIRCLE_POSTS posts (stories, asks and feedback
 * requests by its organizers, seven minutes apart, every third with two replies, asks with a "Me
 * too"). Idempotent: an existing bench database gets only the posts it lacks, so the case works
 * without re-seeding everything. All inserts are set-based (generate_series).
 */
export async function ensureBenchCircle(manager: EntityManager): Promise<BenchCircle> {
  const [circle] = await manager.query<{ id: string; chapter_id: string; posts: number }[]>(
    `SELECT c.id, c.chapter_id, (SELECT count(*)::int FROM circle_posts p WHERE p.circle_id = c.id) AS posts
       FROM users u JOIN circles c ON c.chapter_id = u.chapter_id
      WHERE u.email LIKE $1 AND u.role = 'organizer' AND u.active ORDER BY u.email LIMIT 1`,
    [`bench-organizer-%@${BENCH_DOMAIN}`],
  );
  if (!circle) throw new Error('no bench organizer with a chapter circle: seed the bench data first');
  const members = await manager.query<{ id: string; email: string }[]>(
    `SELECT id, email FROM users WHERE chapter_id = $1 AND role = 'organizer' AND active AND email LIKE $2 ORDER BY email`,
    [circle.chapter_id, `bench-organizer-%@${BENCH_DOMAIN}`],
  );
  const missing = BENCH_CIRCLE_POSTS - circle.posts;
  if (missing > 0) {
    const authors = members.map((m) => m.id);
    await manager.query(
      `WITH made AS (
         INSERT INTO circle_posts (circle_id, author_id, kind, title, body, created_at)
         SELECT $1, ($2::uuid[])[1 + g % cardinality($2::uuid[])], (ARRAY['story','ask','feedback'])[1 + g % 3],
                'Bench post ' || g, 'What happened at meeting ' || g || ', and what we learned.',
                now() - g * interval '7 minutes'
           FROM generate_series($3::int, $4::int) g
         RETURNING id, author_id, kind, created_at),
       replies AS (
         INSERT INTO circle_replies (post_id, author_id, body, created_at)
         SELECT m.id, ($2::uuid[])[1 + (k + abs(hashtext(m.id::text))) % cardinality($2::uuid[])], 'A reply.',
                m.created_at + k * interval '1 hour'
           FROM made m CROSS JOIN generate_series(1, 2) k WHERE abs(hashtext(m.id::text)) % 3 = 0)
       INSERT INTO circle_post_me_too (post_id, user_id)
       SELECT m.id, ($2::uuid[])[1 + abs(hashtext(m.id::text)) % cardinality($2::uuid[])]
         FROM made m WHERE m.kind = 'ask' AND ($2::uuid[])[1 + abs(hashtext(m.id::text)) % cardinality($2::uuid[])] <> m.author_id`,
      [circle.id, authors, circle.posts + 1, BENCH_CIRCLE_POSTS],
    );
    await manager.query('ANALYZE circle_posts, circle_replies, circle_post_me_too');
  }
  return {
    path: `/circles/${circle.id}`,
    posts: Math.max(circle.posts, BENCH_CIRCLE_POSTS),
    members: members.slice(0, 50).map((m) => m.email),
  };
}
