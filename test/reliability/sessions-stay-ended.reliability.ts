import { freshDatabase, Scenario, type TestDatabase } from './support/scenario';
import { ServerProcess, sleep } from './support/server-process';
import { csrfFrom, WebClient } from './support/web-client';

// Three rounds: a fourth reset request within the hour is over the per-account limit (no email).
const ROUNDS = 3;
const MODULE = '/tracks/civic-tech-host/people-first';
/** How long the busy client keeps going after the reset finished (requests in flight then save after it). */
const KEEP_BUSY_AFTER_MS = 600;

/**
 * A person's password is reset through one process while their other device keeps working
 * through another, each request of it saving its session (a "marked as read" message, then the
 * page showing it). Before, such a save re-created the session row the reset had deleted and the
 * device stayed signed in. Now its next request after the reset is signed out, every time.
 */
describe('sessions ended by a password reset in another process', () => {
  let db: TestDatabase;
  let servers: ServerProcess[];

  beforeAll(async () => {
    db = await freshDatabase();
    servers = await Promise.all([0, 1].map(() => ServerProcess.start({ databaseUrl: db.url })));
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
    await db?.drop();
  });

  async function resetThrough(origin: string, email: string, password: string): Promise<void> {
    const anonymous = new WebClient(origin);
    // As text: a JavaScript Date would drop the microseconds and match the previous message again.
    const [{ latest }] = await db.dataSource.query<{ latest: string | null }[]>(
      'SELECT max(created_at)::text AS latest FROM outbox WHERE to_address = $1',
      [email],
    );
    const asked = await anonymous.post('/password/forgot', { email });
    if (asked.status !== 200) throw new Error(`forgot: ${asked.status}`);
    // The reset email is queued after the answer (the same answer and time for any address).
    let message: { body_text: string } | undefined;
    for (let tries = 0; !message && tries < 100; tries += 1) {
      [message] = await db.dataSource.query<{ body_text: string }[]>(
        'SELECT body_text FROM outbox WHERE to_address = $1 AND created_at > coalesce($2::timestamptz, $3::timestamptz) ORDER BY created_at DESC LIMIT 1',
        [email, latest, '-infinity'],
      );
      if (!message) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!message) throw new Error('no reset email was queued');
    const link = /https?:\/\/[^/\s]+(\/password\/reset\/[\w-]+)/.exec(message.body_text)![1];
    const form = await anonymous.get(link);
    const done = await anonymous.post(link, { password }, csrfFrom(form.text));
    if (done.status !== 303) throw new Error(`reset: ${done.status} ${done.text.slice(0, 300)}`);
  }

  it('signs the busy device out on its next request, every time', async () => {
    const scenario = new Scenario(db.dataSource);
    const [person] = await scenario.organizers(1);
    let password: string | undefined;
    for (let round = 0; round < ROUNDS; round += 1) {
      const device = await new WebClient(servers[0].origin).signIn(person.email, password);
      const token = csrfFrom((await device.get(MODULE)).text);
      let busy = true;
      const working = (async () => {
        while (busy) {
          await device.post(`${MODULE}/read`, {}, token);
          await device.get(MODULE);
        }
      })();
      await sleep(150);
      password = `a new and long passphrase, round ${round}`;
      await resetThrough(servers[1].origin, person.email, password);
      await sleep(KEEP_BUSY_AFTER_MS);
      busy = false;
      await working;

      const next = await device.get('/account');
      expect({ round, status: next.status, location: next.headers.get('location') }).toEqual({
        round,
        status: 303,
        location: '/login?next=%2Faccount',
      });
      const [rows] = await db.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM sessions WHERE sess #>> '{passport,user}' = $1`,
        [person.id],
      );
      expect(Number(rows.n)).toBe(0);
    }
  });
});
