import type { User } from '../../src/accounts/user.entity';
import {
  attendanceWithoutCompletion,
  certificateInvariantViolations,
  registrationCounts,
  registrationViolations,
  statusListViolations,
  workshopCompletionWithoutAttendance,
} from './support/invariants';
import { freshDatabase, Scenario, TRACK_ID, type TestDatabase } from './support/scenario';
import { ServerProcess } from './support/server-process';
import { WebClient } from './support/web-client';

/** Organizers one attendance mark away from their certificate (one mark request each). */
const FINISHERS = 40;
/** Organizers registering for a small workshop at the same time (one request each). */
const REGISTRANTS = 30;
const SEATS = 12;
/** The victim process is SIGKILLed once it has acknowledged this many requests. */
const KILL_AFTER_ACKNOWLEDGED = 6;
const SIGN_IN_BATCH = 10;
/** Patient pool waits: this test is about invariants, not load shedding (see concurrency test). */
const CONNECT_TIMEOUT_MS = 10_000;
/** Patient statements too: a mark may wait long for row locks held by the killed process's transactions. */
const QUERY_TIMEOUT_MS = 30_000;

type Kind = 'attendance' | 'registration';
interface Sent {
  kind: Kind;
  person: User;
  server: number;
  /** The HTTP status, or the network error when the process died with the request in flight. */
  outcome: number | 'connection lost';
}

describe('an app process killed (SIGKILL) with requests in flight', () => {
  let db: TestDatabase;
  let scenario: Scenario;
  let servers: ServerProcess[];

  beforeAll(async () => {
    db = await freshDatabase();
    scenario = new Scenario(db.dataSource);
    servers = await Promise.all(
      [0, 1].map(() =>
        ServerProcess.start({
          databaseUrl: db.url,
          env: {
            DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
            DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
          },
        }),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all((servers ?? []).map((server) => server.stop()));
    await db?.drop();
  });

  it('loses no acknowledged write, leaves no half-done completion, certificate or slot, and recovers', async () => {
    const admin = await scenario.user('admin');
    const finishers = await scenario.organizers(FINISHERS);
    await scenario.completeAllButFinal(finishers.map((p) => p.id));
    const finale = await scenario.workshop(admin, {
      capacity: FINISHERS,
      milestoneIds: [scenario.track.final.id],
    });
    await scenario.register(finale.id, finishers);
    await scenario.begin(finale.id);
    const small = await scenario.workshop(admin, { capacity: SEATS, milestoneIds: [] });
    const registrants = await scenario.organizers(REGISTRANTS);

    const adminClient = await new WebClient(servers[0].origin).signIn(admin.email);
    const adminToken = await adminClient.csrfToken();
    const sessions = new Map<string, { client: WebClient; token: string }>();
    for (let i = 0; i < registrants.length; i += SIGN_IN_BATCH) {
      await Promise.all(
        registrants.slice(i, i + SIGN_IN_BATCH).map(async (person) => {
          const client = await new WebClient(servers[1].origin).signIn(person.email);
          sessions.set(person.id, { client, token: await client.csrfToken() });
        }),
      );
    }

    const send = (kind: Kind, person: User, origin: string) => {
      if (kind === 'attendance')
        return adminClient
          .on(origin)
          .post(`/workshops/${finale.id}/attendance`, { [`status:${person.id}`]: 'present' }, adminToken);
      const { client, token } = sessions.get(person.id)!;
      return client.on(origin).post(`/workshops/${small.id}/register`, {}, token);
    };

    // Process 0 is the victim; both processes get both kinds of request, interleaved.
    const victim = servers[0];
    let acknowledgedByVictim = 0;
    let killed: Promise<unknown> | undefined;
    const work: { kind: Kind; person: User }[] = [];
    for (let i = 0; i < Math.max(FINISHERS, REGISTRANTS); i++) {
      if (finishers[i]) work.push({ kind: 'attendance', person: finishers[i] });
      if (registrants[i]) work.push({ kind: 'registration', person: registrants[i] });
    }
    const sent: Sent[] = await Promise.all(
      work.map(async ({ kind, person }, i): Promise<Sent> => {
        const server = Math.floor(i / 2) % 2;
        try {
          const response = await send(kind, person, servers[server].origin);
          if (server === 0 && ++acknowledgedByVictim === KILL_AFTER_ACKNOWLEDGED) killed = victim.crash();
          return { kind, person, server, outcome: response.status };
        } catch {
          return { kind, person, server, outcome: 'connection lost' };
        }
      }),
    );
    expect(killed).toBeDefined();
    expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
    expect(servers[1].running).toBe(true);

    // Every answer was a success or a lost connection to the killed process: never a 5xx.
    const lost = sent.filter((s) => s.outcome === 'connection lost');
    expect(lost.length).toBeGreaterThan(0); // requests really were in flight
    expect(lost.every((s) => s.server === 0)).toBe(true);
    const summary = (s: Sent) => `${s.kind} of ${s.person.email} on process ${s.server}: ${s.outcome}`;
    expect(sent.filter((s) => s.outcome !== 'connection lost' && s.outcome !== 303).map(summary)).toEqual([]);

    await checkInvariants();
    // Every acknowledged write is there.
    const acknowledged = sent.filter((s) => s.outcome === 303);
    const present = new Set(
      (
        await db.dataSource.query<{ user_id: string }[]>(
          `SELECT user_id FROM workshop_attendance WHERE workshop_id = $1 AND status = 'present'`,
          [finale.id],
        )
      ).map((r) => r.user_id),
    );
    const certified = new Set(
      (
        await db.dataSource.query<{ user_id: string }[]>(
          'SELECT user_id FROM certificates WHERE track_id = $1 AND superseded_at IS NULL',
          [TRACK_ID],
        )
      ).map((r) => r.user_id),
    );
    const registered = new Set(
      (
        await db.dataSource.query<{ user_id: string }[]>(
          `SELECT user_id FROM workshop_registrations WHERE workshop_id = $1 AND status <> 'cancelled'`,
          [small.id],
        )
      ).map((r) => r.user_id),
    );
    const missing = acknowledged.filter((s) =>
      s.kind === 'attendance'
        ? !present.has(s.person.id) || !certified.has(s.person.id)
        : !registered.has(s.person.id),
    );
    expect(missing.map((s) => `${s.kind} of ${s.person.email}`)).toEqual([]);

    // The killed process comes back on the same port and database; retrying what was lost converges.
    servers[0] = await victim.restart();
    const retried = await Promise.all(lost.map((s) => send(s.kind, s.person, servers[0].origin)));
    expect(retried.map((r) => r.status)).toEqual(lost.map(() => 303));
    await checkInvariants();
    const [{ certificates }] = await db.dataSource.query<{ certificates: number }[]>(
      'SELECT count(*)::int AS certificates FROM certificates WHERE track_id = $1',
      [TRACK_ID],
    );
    expect(certificates).toBe(FINISHERS);
    expect(await registrationCounts(db.dataSource, small.id)).toEqual({
      registered: SEATS,
      waitlisted: REGISTRANTS - SEATS,
      people: REGISTRANTS,
    });
  });

  async function checkInvariants() {
    expect(
      await certificateInvariantViolations(db.dataSource, TRACK_ID, scenario.track.milestoneIds),
    ).toEqual({
      incomplete: [],
      twoCurrent: [],
      notAudited: [],
    });
    expect(await statusListViolations(db.dataSource)).toMatchObject({
      duplicateSlots: [],
      outsideList: [],
      countMismatch: [],
    });
    expect(await attendanceWithoutCompletion(db.dataSource)).toEqual([]);
    expect(await workshopCompletionWithoutAttendance(db.dataSource)).toEqual([]);
    expect(await registrationViolations(db.dataSource)).toEqual({ overbooked: [], doubled: [] });
  }
});
