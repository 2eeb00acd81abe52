import type { QueryRunner } from 'typeorm';
import { endSessionsOf } from '../../src/accounts/sessions';
import { ModuleRead } from '../../src/curriculum/progress.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';

const MODULE = '/tracks/civic-tech-host/people-first';

/**
 * A request that loaded its session before the person's sessions were ended (password reset or
 * change, deactivation) saves its session afterwards (here: the "marked as read" message). That
 * save must not bring the ended session back. The request is held mid-way with a table lock, so
 * the order (load, end, save) is certain rather than likely.
 */
describe('an ended session stays ended', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const sessionRows = async (userId: string) =>
    Number(
      (
        await t.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM sessions WHERE sess #>> '{passport,user}' = $1`,
          [userId],
        )
      )[0].n,
    );

  /** Runs `during` while a request of `agent` that loaded its session waits to write module_reads. */
  async function endWhileInFlight(agent: Agent, during: () => Promise<void>) {
    const token = await csrfToken(agent);
    const lock: QueryRunner = t.dataSource.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query('LOCK TABLE module_reads IN EXCLUSIVE MODE');
    const inFlight = agent.post(`${MODULE}/read`).type('form').send({ _csrf: token });
    const pending = inFlight.then((response) => response);
    try {
      await waitForLockWaiter();
      await during();
    } finally {
      await lock.commitTransaction();
      await lock.release();
    }
    return pending;
  }

  async function waitForLockWaiter() {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const [row] = await t.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%module_reads%'`,
      );
      if (Number(row.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the request never reached the locked table');
  }

  it('is not re-created by a request that was in flight when it ended; the next request is signed out', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    expect((await agent.get(MODULE)).status).toBe(200);
    expect(await sessionRows(user.id)).toBe(1);

    const response = await endWhileInFlight(agent, () => endSessionsOf(t.dataSource.manager, user.id));

    // The in-flight request did its work (the reading record is there) and was answered normally.
    expect(response.status).toBe(303);
    expect(await t.dataSource.manager.countBy(ModuleRead, { userId: user.id })).toBe(1);
    // Its session save found no row and wrote none.
    expect(await sessionRows(user.id)).toBe(0);
    const next = await agent.get('/account');
    expect(next.status).toBe(303);
    expect(next.headers.location).toMatch(/^\/login/);
  });

  it('"sign out other devices" ends the others, even one with a request in flight, and keeps this one', async () => {
    const user = await createUser(t.dataSource.manager);
    const phone = await signedInAgent(t.app, user.email);
    const laptop = await signedInAgent(t.app, user.email);
    expect(await sessionRows(user.id)).toBe(2);

    const response = await endWhileInFlight(phone, async () => {
      const ended = await postForm(laptop, '/account/sign-out-elsewhere');
      expect(ended.status).toBe(303);
    });
    expect(response.status).toBe(303);
    expect(await sessionRows(user.id)).toBe(1);
    expect((await phone.get('/account')).status).toBe(303);
    const stillIn = await laptop.get('/account');
    expect(stillIn.status).toBe(200);
    expect(stillIn.text).toContain('You were signed out on every other device.');
    const [audit] = await t.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'account.signed_out_elsewhere' AND subject_id = $1`,
      [user.id],
    );
    expect(Number(audit.n)).toBe(1);
  });

  it('still stores a session written for the first time (signing in), and updates it afterwards', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    expect(await sessionRows(user.id)).toBe(1);
    const response = await endWhileInFlight(agent, () => Promise.resolve());
    expect(response.status).toBe(303);
    const [row] = await t.dataSource.query<{ sess: { flash?: { text: string }[] } }[]>(
      `SELECT sess FROM sessions WHERE sess #>> '{passport,user}' = $1`,
      [user.id],
    );
    expect(row.sess.flash?.map((message) => message.text)).toEqual([expect.stringMatching(/as read/)]);
  });
});
