import crypto from 'node:crypto';
import type { User } from '../../../src/accounts/user.entity';
import type { Certificate } from '../../../src/certificates/certificate.entities';
import { certificateKit } from '../../certificates/kit';
import { createChapter, createUser } from '../../helpers/factories';
import { capturingLogger } from '../../helpers/log-capture';
import { startListeningApp, type RunningApp } from '../../helpers/listening-app';
import { listRoutes } from '../../helpers/routes';
import { organizerTrack, TRACK_ID } from './scenario';
import { WebClient, type WebResponse } from './web-client';

export type Who = 'anonymous' | 'organizer' | 'coach' | 'admin';
export const ROLES: Who[] = ['anonymous', 'organizer', 'coach', 'admin'];

export interface Session {
  client: WebClient;
  token: string;
}

/** The ids a route's parameters are filled with, so requests reach real records. */
export interface WorldIds {
  workshop: string;
  submission: string;
  subject: string;
  chapter: string;
  invite: string;
  certificate: string;
  code: string;
  coach: string;
  coachMilestone: string;
}

/**
 * The real app (createApp) listening on a free port with its own fresh database, one signed-in
 * session per role, and a record of each kind: a chapter, a workshop, an organizer ("subject")
 * coached by the coach with evidence waiting, an invite and an issued certificate.
 */
export interface World {
  running: RunningApp;
  origin: string;
  users: Record<Exclude<Who, 'anonymous'>, User> & { subject: User; holder: User };
  sessions: Record<Who, Session>;
  ids: WorldIds;
  certificate: Certificate;
  routes: string[];
  /** A brand-new session (its own cookie and token), e.g. to sign out without losing a role's session. */
  freshSession(): Promise<Session>;
  signIn(user: User): Promise<Session>;
  /** Error-level lines the app has logged so far (a client's mistake must not write one). */
  errorLogs(): string[];
  close(): Promise<void>;
}

export function expectStatus(response: WebResponse, status: number, what: string): WebResponse {
  if (response.status !== status)
    throw new Error(`${what}: expected ${status}, got ${response.status}\n${response.text.slice(0, 1500)}`);
  return response;
}

/** Local date-time text (YYYY-MM-DDTHH:mm) in UTC, as the workshop form takes it. */
export function localDateTime(date: Date): string {
  return date.toISOString().slice(0, 16);
}

export function workshopForm(fields: Record<string, string> = {}): Record<string, string> {
  const start = new Date(Date.now() + 3 * 86_400_000);
  return {
    title: 'Workshop',
    description: '',
    milestoneIds: organizerTrack().final.id,
    startsAt: localDateTime(start),
    endsAt: localDateTime(new Date(start.getTime() + 2 * 3_600_000)),
    timeZone: 'UTC',
    location: 'Library',
    onlineUrl: '',
    capacity: '20',
    chapterId: '',
    ...fields,
  };
}

/** Posts the workshop form; returns the new workshop's id. */
export async function createWorkshop(session: Session, fields: Record<string, string> = {}) {
  const response = expectStatus(
    await session.client.post('/workshops', workshopForm(fields), session.token),
    303,
    'scheduling a workshop',
  );
  return response.headers.get('location')!.split('/').pop()!;
}

export async function startWorld(): Promise<World> {
  const log = capturingLogger('warn');
  const running = await startListeningApp({}, { logger: log.logger });
  const { dataSource } = running.t;
  const manager = dataSource.manager;
  const track = organizerTrack();
  const coachMilestone = track.milestones.find((m) => m.kind === 'coach')!.id;

  const signIn = async (user: User): Promise<Session> => {
    const client = await new WebClient(running.baseUrl).signIn(user.email);
    return { client, token: await client.csrfToken() };
  };
  const freshSession = async (): Promise<Session> => {
    const client = new WebClient(running.baseUrl);
    return { client, token: await client.csrfToken() };
  };

  const chapter = await createChapter(manager);
  const admin = await createUser(manager, { role: 'admin' });
  const coach = await createUser(manager, { role: 'coach', chapterId: chapter.id });
  const organizer = await createUser(manager, { role: 'organizer', chapterId: chapter.id });
  const subject = await createUser(manager, { role: 'organizer', chapterId: chapter.id });
  const holder = await createUser(manager, { role: 'organizer', chapterId: chapter.id });
  const sessions: Record<Who, Session> = {
    anonymous: await freshSession(),
    organizer: await signIn(organizer),
    coach: await signIn(coach),
    admin: await signIn(admin),
  };

  expectStatus(
    await sessions.admin.client.post(
      `/admin/people/${subject.id}/coach`,
      { coachId: coach.id, reason: '' },
      sessions.admin.token,
    ),
    303,
    'assigning a coach',
  );
  const workshop = await createWorkshop(sessions.coach);
  const subjectSession = await signIn(subject);
  expectStatus(
    await subjectSession.client.post(
      `/me/milestones/${coachMilestone}`,
      { body: 'What I did.', links: 'https://example.org/notes' },
      subjectSession.token,
    ),
    303,
    'submitting evidence',
  );
  const [{ id: submission }] = await dataSource.query<{ id: string }[]>(
    'SELECT id FROM evidence_submissions WHERE organizer_id = $1',
    [subject.id],
  );
  const inviteEmail = `invitee-${crypto.randomBytes(4).toString('hex')}@example.org`;
  expectStatus(
    await sessions.admin.client.post(
      '/admin/invites',
      { email: inviteEmail, role: 'organizer', chapterId: '' },
      sessions.admin.token,
    ),
    303,
    'inviting someone',
  );
  const [{ id: invite }] = await dataSource.query<{ id: string }[]>(
    'SELECT id FROM invites WHERE email = $1',
    [inviteEmail],
  );
  const certificate = await certificateKit(running.t).certify(holder.id);

  return {
    running,
    origin: running.baseUrl,
    users: { admin, coach, organizer, subject, holder },
    sessions,
    ids: {
      workshop,
      submission,
      subject: subject.id,
      chapter: chapter.id,
      invite,
      certificate: certificate.id,
      code: certificate.code,
      coach: coach.id,
      coachMilestone,
    },
    certificate,
    routes: listRoutes(running.t.app),
    freshSession,
    signIn,
    errorLogs: () =>
      log.errors().map((line) => `${line.msg} ${JSON.stringify(line.err ?? '')}`.slice(0, 400)),
    close: () => running.close(),
  };
}

/** Which record an `:id` stands for, by the path before it. */
const ID_BY_PREFIX: [RegExp, keyof WorldIds][] = [
  [/^\/workshops\//, 'workshop'],
  [/^\/(coach|admin)\/submissions\//, 'submission'],
  [/^\/(coach\/organizers|admin\/people)\//, 'subject'],
  [/^\/admin\/chapters\//, 'chapter'],
  [/^\/admin\/invites\//, 'invite'],
  [/^\/(admin|me)\/certificates\//, 'certificate'],
];

/** A route pattern with its parameters filled in from the world (unknown ones get a random uuid). */
export function pathFor(pattern: string, ids: WorldIds): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    switch (name) {
      case 'id': {
        const kind = ID_BY_PREFIX.find(([prefix]) => prefix.test(pattern))?.[1];
        return kind ? ids[kind] : crypto.randomUUID();
      }
      case 'userId':
        return ids.coach;
      case 'token':
        return 'x'.repeat(43);
      case 'trackId':
        return TRACK_ID;
      case 'moduleId':
        return 'people-first';
      case 'milestoneId':
        return ids.coachMilestone;
      case 'code':
        return ids.code;
      case 'listId':
        return '1';
      case 'file':
        return 'x.ics';
      default:
        return crypto.randomUUID();
    }
  });
}
