import type { EntityManager } from 'typeorm';

const STORY_BODY =
  'We expected ten people at our first hack night and **forty** came. We split into three tables: the bus map, ' +
  'the food pantry finder and a room for newcomers. Next time we will bring more extension cords.\n\n' +
  '- What worked: a clear ask at the door\n- What to try: name tags with skills\n\n' +
  'Notes are in [our repository](https://example.org/bench/notes).';

/**
 * Gives every bench chapter a listed public page in its state (or country) and two published stories,
 * for the directory and chapter page cases. Idempotent: it runs on every seed, so a bench database
 * made before the directory existed gains its pages. Returns the chapter page paths.
 */
export async function seedChapterPages(manager: EntityManager, namePattern: string): Promise<string[]> {
  // "Boston, MA" → US, MA; "Toronto, ON" → CA, ON (the one bench city outside the US).
  await manager.query(
    `UPDATE chapters SET
        country_code = CASE WHEN region LIKE '%, ON' THEN 'CA' ELSE 'US' END,
        state_code = NULLIF(substring(region from ', ([A-Z]{2})$'), '')
      WHERE name LIKE $1 AND state_code IS NULL`,
    [namePattern],
  );
  await manager.query(
    `INSERT INTO chapter_pages (chapter_id, slug, about, meeting_when, meeting_where, contact, listed)
     SELECT id, trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')),
            'We are civic technologists, designers and neighbours who build things with our city. ' ||
            'Everyone is welcome, whether you code or not.',
            'Every second Tuesday, 6:30 pm', region || ' public library', 'https://example.org/join', true
       FROM chapters WHERE name LIKE $1
     ON CONFLICT (chapter_id) DO NOTHING`,
    [namePattern],
  );
  await manager.query(
    `WITH authors AS (
       SELECT c.id AS chapter_id, ci.id AS circle_id, u.id AS author_id,
              row_number() OVER (PARTITION BY c.id ORDER BY u.email) AS n
         FROM chapters c JOIN circles ci ON ci.chapter_id = c.id JOIN users u ON u.chapter_id = c.id
        WHERE c.name LIKE $1 AND u.role = 'organizer' AND u.active
          AND NOT EXISTS (SELECT 1 FROM story_publications sp WHERE sp.chapter_id = c.id)
     ), posts AS (
       INSERT INTO circle_posts (circle_id, author_id, kind, title, body)
       SELECT circle_id, author_id, 'story', 'Our hack night filled the room (' || n || ')', $2
         FROM authors WHERE n <= 2
       RETURNING id, circle_id, author_id, title, body
     )
     INSERT INTO story_publications (post_id, chapter_id, request_state, requested_at, requested_by,
       decided_at, published_at, public_title, public_body, public_updated_at)
     SELECT p.id, ci.chapter_id, 'approved', now(), p.author_id, now(), now(), p.title, p.body, now()
       FROM posts p JOIN circles ci ON ci.id = p.circle_id`,
    [namePattern, STORY_BODY],
  );
  const pages = await manager.query<{ slug: string }[]>(
    `SELECT p.slug FROM chapter_pages p JOIN chapters c ON c.id = p.chapter_id WHERE c.name LIKE $1 ORDER BY c.name`,
    [namePattern],
  );
  return pages.map((p) => `/chapters/${p.slug}`);
}
