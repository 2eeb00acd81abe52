import { Client } from 'pg';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { CHANGE_CHANNEL, ChangeFeed, SharedCache } from '../../src/db/change-feed';
import { connectTestDatabase, createTestDatabase, databaseUrl, dropTestDatabase } from '../helpers/database';
import { TcpProxy } from '../helpers/tcp-proxy';

const silent = pino({ level: 'silent' });

async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 5_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A cache of one status list's version, counting how often it reads the database. */
function versionCache(feed: ChangeFeed, dataSource: DataSource) {
  let reads = 0;
  const cache = new SharedCache<number>(feed, 'certificates', { max: 10, ttlMs: 60_000 });
  const version = () =>
    cache.get('list-1', async () => {
      reads += 1;
      const [row] = await dataSource.query<{ version: number }[]>(
        'SELECT version FROM status_lists WHERE id = 1',
      );
      return row?.version ?? -1;
    });
  return { version, reads: () => reads };
}

describe('change feed: per-process caches across processes', () => {
  let name: string;
  let dataSource: DataSource;
  const feeds: ChangeFeed[] = [];
  const feed = (url = databaseUrl(name)) => {
    const created = new ChangeFeed({ connectionString: url }, silent);
    feeds.push(created);
    created.start();
    return created;
  };

  beforeAll(async () => {
    name = await createTestDatabase();
    dataSource = await connectTestDatabase(name, 3);
    await dataSource.query(`INSERT INTO status_lists (id, version) VALUES (1, 1)`);
  });
  afterAll(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    await dataSource.destroy();
    await dropTestDatabase(name);
  });

  it('answers from memory until another process changes the data, then reads it again', async () => {
    const other = feed();
    await eventually(() => other.live, 'feed connected');
    const cache = versionCache(other, dataSource);
    expect(await cache.version()).toBe(1);
    expect(await cache.version()).toBe(1);
    expect(cache.reads()).toBe(1);

    // Another process (here: a plain connection) revokes something: the trigger notifies on commit.
    await dataSource.query('UPDATE status_lists SET version = version + 1 WHERE id = 1');
    await eventually(async () => (await cache.version()) === 2, 'the change reached the other process');
    expect(cache.reads()).toBe(2);
  });

  it('forgets at once what this process changed itself', async () => {
    const own = feed();
    await eventually(() => own.live, 'feed connected');
    const cache = versionCache(own, dataSource);
    const before = await cache.version();
    await dataSource.query('UPDATE status_lists SET version = version + 1 WHERE id = 1');
    own.changed('certificates');
    expect(await cache.version()).toBe(before + 1);
  });

  it('does not keep a value loaded while a change arrived', async () => {
    const own = feed();
    await eventually(() => own.live, 'feed connected');
    const cache = new SharedCache<string>(own, 'certificates', { max: 10, ttlMs: 60_000 });
    let loads = 0;
    const stale = cache.get('k', () => {
      loads += 1;
      own.changed('certificates'); // the change lands while the old value is on its way
      return Promise.resolve('old');
    });
    expect(await stale).toBe('old');
    const fresh = cache.get('k', () => {
      loads += 1;
      return Promise.resolve('new');
    });
    expect(await fresh).toBe('new');
    expect(loads).toBe(2);
  });

  it('reads through while the feed is down, and caches again once it is back', async () => {
    const target = new URL(databaseUrl(name));
    const proxy = new TcpProxy(target.hostname, Number(target.port));
    target.host = `127.0.0.1:${await proxy.start()}`;
    const viaProxy = feed(target.toString());
    await eventually(() => viaProxy.live, 'feed connected');
    const cache = versionCache(viaProxy, dataSource);
    await cache.version();
    await cache.version();
    expect(cache.reads()).toBe(1);

    await proxy.cut();
    await eventually(() => !viaProxy.live, 'feed noticed the cut');
    await cache.version();
    await cache.version();
    expect(cache.reads()).toBe(3);

    await proxy.restore();
    await eventually(() => viaProxy.live, 'feed reconnected', 10_000);
    await cache.version();
    await cache.version();
    expect(cache.reads()).toBe(4);
    await proxy.cut();
  });
  const newUser = async (email: string) =>
    (
      await dataSource.query<{ id: string }[]>(
        `INSERT INTO users (email, display_name, password_hash, role)
         VALUES ($1, 'Someone', 'not-a-hash', 'organizer') RETURNING id`,
        [email],
      )
    )[0].id;

  it('drops only the entry a notice names, and everything on a notice without a key', async () => {
    const own = feed();
    await eventually(() => own.live, 'feed connected');
    const [ada, bo] = [await newUser('ada-keyed@example.org'), await newUser('bo-keyed@example.org')];
    const loads: string[] = [];
    const cache = new SharedCache<string>(own, 'progress', { max: 10, ttlMs: 60_000 });
    const record = (id: string) =>
      cache.get(id, () => {
        loads.push(id);
        return Promise.resolve(`record of ${id}`);
      });
    await record(ada);
    await record(bo);
    await dataSource.query(`INSERT INTO module_reads (user_id, module_id) VALUES ($1, 'people-first')`, [
      ada,
    ]);
    await eventually(async () => (await record(ada), loads.length === 3), "ada's notice arrived");
    await record(bo);
    expect(loads).toEqual([ada, bo, ada]);
    own.changed('progress');
    await record(bo);
    expect(loads).toEqual([ada, bo, ada, bo]);
  });

  it('does not serve or keep a value `usable` turns down', async () => {
    const own = feed();
    await eventually(() => own.live, 'feed connected');
    const cache = new SharedCache<number>(own, 'session', { max: 10, ttlMs: 60_000 });
    let loads = 0;
    const expiring = (expiresAt: number) =>
      cache.get(
        'sid',
        () => Promise.resolve(((loads += 1), expiresAt)),
        (at) => at >= Date.now(),
      );
    await expiring(Date.now() - 1);
    await expiring(Date.now() + 60_000);
    await expiring(Date.now() + 60_000);
    expect(loads).toBe(2);
  });

  it('names the session or person that changed, and stays quiet about expiry', async () => {
    const listener = new Client({ connectionString: databaseUrl(name) });
    await listener.connect();
    const notices: string[] = [];
    listener.on('notification', (n) => notices.push(n.payload ?? ''));
    await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
    const quietly = async (sql: string, values: unknown[] = []) => {
      await dataSource.query(sql, values);
      await dataSource.query(`SELECT pg_notify('${CHANGE_CHANNEL}', 'marker')`);
      await eventually(() => notices.includes('marker'), 'marker');
      const seen = notices.splice(0).filter((n) => n !== 'marker');
      return seen;
    };
    try {
      const sess = `{"cookie":{},"passport":{"user":"x"}}`;
      expect(
        await quietly(
          `INSERT INTO sessions (sid, sess, expire) VALUES ('s1', $1, now() + interval '1 hour')`,
          [sess],
        ),
      ).toEqual(['session:s1']);
      expect(
        await quietly(`UPDATE sessions SET expire = now() + interval '2 hours' WHERE sid = 's1'`),
      ).toEqual([]);
      expect(await quietly(`UPDATE sessions SET sess = $1 WHERE sid = 's1'`, [sess])).toEqual(['session:s1']);
      expect(await quietly(`DELETE FROM sessions WHERE sid = 's1'`)).toEqual(['session:s1']);
      expect(
        await quietly(
          `INSERT INTO sessions (sid, sess, expire) VALUES ('old', $1, now() - interval '1 minute')`,
          [sess],
        ),
      ).toEqual(['session:old']);
      expect(await quietly(`DELETE FROM sessions WHERE expire < now()`)).toEqual([]);

      const id = await newUser('noticed@example.org');
      expect(await quietly(`UPDATE users SET last_login_at = now() WHERE id = $1`, [id])).not.toContain(
        'session',
      );
      expect(await quietly(`UPDATE users SET role = 'coach' WHERE id = $1`, [id])).toContain('session');
      expect(
        await quietly(`INSERT INTO module_reads (user_id, module_id) VALUES ($1, 'facilitation')`, [id]),
      ).toContain(`progress:${id}`);
    } finally {
      await listener.end();
    }
  });
});
