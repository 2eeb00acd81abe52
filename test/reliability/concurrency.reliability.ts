import type { User } from '../../src/accounts/user.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import { currentCheckInCode } from '../../src/workshops/check-in-codes';
import { TEST_PASSWORD } from '../helpers/factories';
import {
  certificateInvariantViolations,
  statusSlotsTaken,
  registrationCounts,
  registrationViolations,
  statusListViolations,
} from './support/invariants';
import { freshDatabase, Scenario, TRACK_ID, type TestDatabase } from './support/scenario';
import { ServerProcess } from './support/server-process';
import { WebClient, type WebResponse } from './support/web-client';

/** Two app processes on one database, like two replicas behind a load balancer. */
const PROCESSES = 2;
/** Concurrent "mark present/absent" requests completing one organizer's last milestone. */
const COMPLETION_REQUESTS = 100;
const REGISTRANTS = 50;
const SEATS = 10;
/** Sign-ins run in small batches (each verifies an Argon2id hash). */
const SIGN_IN_BATCH = 10;
/** Connections per process (DB_POOL_MAX's default); bursts below are larger than the pool. */
const POOL_MAX = 10;
const BURST = POOL_MAX * 2 + 5;
/**
 * These tests are about correctness under contention, not load shedding: on a busy two-core machine
 * a request can wait longer than the default 3 s for one of the pool's connections, and waiting
 * past DB_CONNECT_TIMEOUT_MS is answered 503 by design. A pool deadlock still shows, as 503s.
 */
const CONNECT_TIMEOUT_MS = 10_000;
/** Check-in is open from 15 minutes before the start. */
const CHECK_IN_STARTS_IN_MINUTES = 5;

function statusesOf(responses: WebResponse[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('two app processes on one database under concurrent requests', () => {
  let db: TestDatabase;
  let scenario: Scenario;
  let servers: ServerProcess[];
  let admin: User;

  beforeAll(async () => {
    db = await freshDatabase();
    scenario = new Scenario(db.dataSource);
    admin = await scenario.user('admin');
    servers = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        ServerProcess.start({
          databaseUrl: db.url,
          env: { DB_POOL_MAX: String(POOL_MAX), DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) },
        }),
      ),
    );
  });

  afterAll(async () => {
    const exits = await Promise.all((servers ?? []).map((server) => server.stop()));
    await db?.drop();
    expect(exits).toEqual(servers.map(() => ({ code: 0, signal: null })));
  });

  it(`issues exactly one certificate and one status slot for ${COMPLETION_REQUESTS} concurrent last-milestone marks`, async () => {
    const organizer = (await scenario.organizers(1))[0];
    await scenario.completeAllButFinal([organizer.id]);
    const workshop = await scenario.workshop(admin, { capacity: 5, milestoneIds: [scenario.track.final.id] });
    await scenario.register(workshop.id, [organizer]);
    await scenario.begin(workshop.id);
    const slotsBefore = await statusSlotsTaken(db.dataSource);

    // One admin session, used on both processes (sessions live in PostgreSQL).
    const adminClient = await new WebClient(servers[0].origin).signIn(admin.email);
    const token = await adminClient.csrfToken();
    const clients = servers.map((server) => adminClient.on(server.origin));
    // Each process gets present and absent marks interleaved: completions are made and undone
    // until the certificate freezes them.
    const responses = await Promise.all(
      Array.from({ length: COMPLETION_REQUESTS }, (_, i) =>
        clients[i % PROCESSES].post(
          `/workshops/${workshop.id}/attendance`,
          { [`status:${organizer.id}`]: Math.floor(i / PROCESSES) % 2 === 0 ? 'present' : 'absent' },
          token,
        ),
      ),
    );

    expect(statusesOf(responses)).toEqual({ 303: COMPLETION_REQUESTS });
    const certificates = await db.dataSource.manager.findBy(Certificate, { userId: organizer.id });
    expect(certificates).toHaveLength(1);
    expect(await statusSlotsTaken(db.dataSource)).toBe(slotsBefore + 1);
    // The certificate froze the final completion, whatever the last mark was.
    const [{ completed }] = await db.dataSource.query<{ completed: number }[]>(
      'SELECT count(*)::int AS completed FROM milestone_completions WHERE user_id = $1 AND track_id = $2',
      [organizer.id, TRACK_ID],
    );
    expect(completed).toBe(scenario.track.milestoneIds.length);
    expect(
      await certificateInvariantViolations(db.dataSource, TRACK_ID, scenario.track.milestoneIds),
    ).toEqual({
      incomplete: [],
      twoCurrent: [],
      notAudited: [],
    });
    const lists = await statusListViolations(db.dataSource);
    expect(lists).toMatchObject({ duplicateSlots: [], outsideList: [], countMismatch: [] });
  });

  it(`never overbooks: ${REGISTRANTS} people register at once for ${SEATS} seats`, async () => {
    const workshop = await scenario.workshop(admin, { capacity: SEATS, milestoneIds: [] });
    const people = await scenario.organizers(REGISTRANTS);
    const clients: { client: WebClient; token: string }[] = [];
    for (let i = 0; i < people.length; i += SIGN_IN_BATCH) {
      const batch = people.slice(i, i + SIGN_IN_BATCH).map(async (person, j) => {
        const client = await new WebClient(servers[(i + j) % PROCESSES].origin).signIn(person.email);
        return { client, token: await client.csrfToken() };
      });
      clients.push(...(await Promise.all(batch)));
    }

    const responses = await Promise.all(
      clients.map(({ client, token }) => client.post(`/workshops/${workshop.id}/register`, {}, token)),
    );

    expect(statusesOf(responses)).toEqual({ 303: REGISTRANTS });
    expect(await registrationCounts(db.dataSource, workshop.id)).toEqual({
      registered: SEATS,
      waitlisted: REGISTRANTS - SEATS,
      people: REGISTRANTS,
    });
    expect(await registrationViolations(db.dataSource)).toEqual({ overbooked: [], doubled: [] });
  });

  it(`answers a burst of ${BURST} sign-ins and check-ins on one process (pool of ${POOL_MAX}) without a 503`, async () => {
    const people = await scenario.organizers(BURST);
    const workshop = await scenario.workshop(admin, {
      capacity: BURST,
      milestoneIds: [],
      startsInMinutes: CHECK_IN_STARTS_IN_MINUTES,
    });
    await scenario.register(workshop.id, people);
    const origin = servers[0].origin;
    const visitors = await Promise.all(
      people.map(async (person) => {
        const client = new WebClient(origin);
        return { person, client, token: await client.csrfToken() };
      }),
    );

    const signIns = await Promise.all(
      visitors.map(({ person, client, token }) =>
        client.post('/login', { email: person.email, password: TEST_PASSWORD }, token),
      ),
    );
    expect(statusesOf(signIns)).toEqual({ 303: BURST });

    // Half enter the code shown in the room, half a wrong one. Both come back to the workshop page
    // (post/redirect/get; a wrong code is a message there): none is a 5xx, and only the right
    // codes are recorded.
    const [{ secret }] = await db.dataSource.query<{ secret: string }[]>(
      'SELECT check_in_secret AS secret FROM workshops WHERE id = $1',
      [workshop.id],
    );
    const { code } = currentCheckInCode(secret, workshop.id);
    const wrong = code === '000000' ? '111111' : '000000';
    const tokens = await Promise.all(visitors.map(({ client }) => client.csrfToken()));
    const checkIns = await Promise.all(
      visitors.map(({ client }, i) =>
        client.post(`/workshops/${workshop.id}/check-in`, { code: i % 2 ? wrong : code }, tokens[i]),
      ),
    );
    expect(checkIns.map((r) => r.status)).toEqual(visitors.map(() => 303));
    const [{ present }] = await db.dataSource.query<{ present: number }[]>(
      `SELECT count(*)::int AS present FROM workshop_attendance WHERE workshop_id = $1 AND status = 'present'`,
      [workshop.id],
    );
    expect(present).toBe(Math.ceil(BURST / 2));
  });
});
