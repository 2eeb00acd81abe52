import type { DataSource, EntityManager } from 'typeorm';
import type { Curriculum } from './curriculum.types';
import { withTransaction } from '../db/transaction';

export interface SearchHit {
  moduleId: string;
  trackId: string;
  title: string;
  /** Escaped text with <mark> around matches: safe to print unescaped. */
  snippetHtml: string;
}

const OPEN = '\u27e6';
const CLOSE = '\u27e7';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Full-text search over the curriculum (PostgreSQL tsvector: title, then headings, then text). */
export class SearchService {
  /**
   * Rebuilds the index when the curriculum version differs from the one it was built from.
   * An advisory lock makes concurrent app processes build it once.
   */
  async ensureIndex(dataSource: DataSource, curriculum: Curriculum): Promise<boolean> {
    return withTransaction(dataSource, async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('organizer-academy:curriculum-search'))`);
      const [state] = await manager.query<{ version: string }[]>(
        `SELECT version FROM curriculum_index_state WHERE id = 1`,
      );
      if (state?.version === curriculum.version) return false;
      await manager.query(`DELETE FROM curriculum_search`);
      for (const module of curriculum.tracks.flatMap((track) => track.modules)) {
        await manager.query(
          `INSERT INTO curriculum_search (module_id, track_id, title, body, document)
           VALUES ($1, $2, $3, $4,
             setweight(to_tsvector('english', $3), 'A') ||
             setweight(to_tsvector('english', $5), 'B') ||
             setweight(to_tsvector('english', $6), 'C') ||
             setweight(to_tsvector('english', $4), 'D'))`,
          [module.id, module.trackId, module.title, module.text, module.headings.join('\n'), module.summary],
        );
      }
      await manager.query(
        `INSERT INTO curriculum_index_state (id, version, built_at) VALUES (1, $1, now())
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, built_at = now()`,
        [curriculum.version],
      );
      return true;
    });
  }

  /** Modules matching `query` (web-search syntax), title hits first, then by rank, with snippets. */
  async search(manager: EntityManager, query: string, limit = 20): Promise<SearchHit[]> {
    const rows = await manager.query<
      { module_id: string; track_id: string; title: string; snippet: string }[]
    >(
      `WITH q AS (SELECT websearch_to_tsquery('english', $1) AS query)
       SELECT module_id, track_id, title,
              ts_headline('english', body, q.query,
                'StartSel=${OPEN}, StopSel=${CLOSE}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
       FROM curriculum_search, q
       WHERE document @@ q.query
       ORDER BY (to_tsvector('english', title) @@ q.query) DESC, ts_rank(document, q.query) DESC, title
       LIMIT $2`,
      [query, limit],
    );
    return rows.map((row) => ({
      moduleId: row.module_id,
      trackId: row.track_id,
      title: row.title,
      snippetHtml: escapeHtml(row.snippet).replaceAll(OPEN, '<mark>').replaceAll(CLOSE, '</mark>'),
    }));
  }
}
