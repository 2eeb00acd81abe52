import type { EntityManager } from 'typeorm';
import { notify } from '../notifications/notify';
import { MEMBER_SQL } from './circles.service';

/** `@[Display Name]`: brackets let names hold spaces; up to 100 characters, no line breaks. */
const MENTION = /@\[([^\]\n]{1,100})\]/g;
const key = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** The distinct names a text mentions, normalised (trimmed, spaces collapsed, lower case). */
export function mentionedNames(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => key(m[1])).filter(Boolean))];
}

/** Who a post's texts mention: per text ('' for the post, else the reply id), name key → user id. */
export type MentionMap = Map<string, Map<string, string>>;

const escapeMarkdown = (text: string) => text.replace(/[\\`*_[\]()<>#!|~]/g, (c) => `\\${c}`);

/**
 * Turns each resolved `@[Name]` into a Markdown link to that person's circle profile, before the
 * text is rendered (and sanitised) like any other; unresolved mentions stay as typed.
 */
export function linkMentions(text: string, people: Map<string, string> | undefined): string {
  if (!people?.size) return text;
  return text.replace(MENTION, (whole, name: string) => {
    const id = people.get(key(name));
    return id ? `[@${escapeMarkdown(name.trim())}](/circles/people/${id})` : whole;
  });
}

/** Where a mention was written, and what the people mentioned are told. */
export interface MentionSource {
  postId: string;
  /** The reply, or null for the post itself. */
  replyId: string | null;
  circleId: string;
  authorId: string;
  text: string;
  /** Hidden content notifies nobody. */
  hidden: boolean;
}

interface Resolved {
  id: string;
  email: string;
  displayName: string;
  key: string;
}

export class MentionsService {
  constructor(private readonly baseUrl: string) {}

  /**
   * Records who `source.text` mentions: members of the circle whose display name matches exactly one
   * member (ignoring case and extra spaces). Each person mentioned for the first time in this text is
   * notified (kind `circles`), except the author and except when the content is hidden. Call in the
   * transaction that saves the text. Returns the ids newly mentioned.
   */
  async record(manager: EntityManager, source: MentionSource): Promise<string[]> {
    const names = mentionedNames(source.text);
    if (!names.length) return [];
    const found = await manager.query<Resolved[]>(
      `SELECT u.id, u.email, u.display_name AS "displayName", lower(regexp_replace(btrim(u.display_name), '\\s+', ' ', 'g')) AS key
       FROM circles c JOIN users u ON ${MEMBER_SQL}
       WHERE c.id = $1 AND lower(regexp_replace(btrim(u.display_name), '\\s+', ' ', 'g')) = ANY($2::text[])`,
      [source.circleId, names],
    );
    // A name two members share is ambiguous: it mentions nobody.
    const count = new Map<string, number>();
    for (const person of found) count.set(person.key, (count.get(person.key) ?? 0) + 1);
    const people = found.filter((person) => count.get(person.key) === 1);
    if (!people.length) return [];
    const inserted = await manager.query<{ user_id: string }[]>(
      `INSERT INTO circle_mentions (post_id, reply_key, user_id) SELECT $1, $2, unnest($3::uuid[])
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [source.postId, source.replyId ?? '', people.map((p) => p.id)],
    );
    const fresh = new Set(inserted.map((row) => row.user_id));
    const toTell = people.filter((p) => fresh.has(p.id) && p.id !== source.authorId);
    if (source.hidden || !toTell.length) return [...fresh];
    const [about] = await manager.query<{ author: string; title: string; circle: string }[]>(
      `SELECT a.display_name AS author, p.title, c.name AS circle
       FROM circle_posts p JOIN circles c ON c.id = p.circle_id JOIN users a ON a.id = $2 WHERE p.id = $1`,
      [source.postId, source.authorId],
    );
    const link = `/circles/posts/${source.postId}${source.replyId ? `#reply-${source.replyId}` : ''}`;
    for (const person of toTell)
      await notify(manager, this.baseUrl, {
        to: person,
        kind: 'circles',
        title: `${about.author} mentioned you in “${about.title}”`,
        body: `${about.author} mentioned you ${source.replyId ? 'in a reply ' : ''}in ${about.circle}.`,
        link,
      });
    return [...fresh];
  }

  /** Everyone mentioned in a post and its replies (one query), for rendering links. */
  async ofPost(manager: EntityManager, postId: string): Promise<MentionMap> {
    const rows = await manager.query<{ reply_key: string; user_id: string; key: string }[]>(
      `SELECT m.reply_key, m.user_id, lower(regexp_replace(btrim(u.display_name), '\\s+', ' ', 'g')) AS key
       FROM circle_mentions m JOIN users u ON u.id = m.user_id WHERE m.post_id = $1`,
      [postId],
    );
    const map: MentionMap = new Map();
    for (const row of rows) {
      const people = map.get(row.reply_key) ?? new Map<string, string>();
      people.set(row.key, row.user_id);
      map.set(row.reply_key, people);
    }
    return map;
  }
}
