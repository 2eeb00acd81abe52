import request from 'supertest';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import { signIn, signedInAgent } from '../helpers/http';

describe('security events in the audit log', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;
  const events = (action: string) =>
    db().find(AuditEvent, { where: { action }, order: { createdAt: 'ASC' } });

  beforeAll(async () => {
    t = await startTestApp({
      throttleLimits: { perAccountAndIp: 2, perIp: 100, windowSeconds: 600, blockSeconds: 600 },
    });
  });
  afterAll(() => t.close());

  it('records sign-ins, failed sign-ins and lockouts, never the password', async () => {
    const person = await createUser(db());
    await signedInAgent(t.app, person.email);
    const [signedIn] = await events('security.sign_in');
    expect(signedIn).toMatchObject({ actorId: person.id, subjectType: 'user', subjectId: person.id });
    expect(Object.keys(signedIn.details)).toEqual(['ip']);

    const wrong = 'not my password at all 77';
    const agent = request.agent(t.app);
    expect((await signIn(agent, person.email.toUpperCase(), wrong)).status).toBe(400);
    expect((await signIn(agent, person.email, wrong)).status).toBe(400);
    expect((await signIn(agent, person.email, TEST_PASSWORD)).status).toBe(429);
    const failed = await events('security.sign_in_failed');
    expect(failed.map((e) => [e.actorId, e.subjectType, e.subjectId])).toEqual([
      [null, 'email', person.email],
      [null, 'email', person.email],
    ]);
    expect(await events('security.locked_out')).toEqual([
      expect.objectContaining({ subjectType: 'email', subjectId: person.email }),
    ]);
    const everything = JSON.stringify(await db().find(AuditEvent));
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(TEST_PASSWORD);
  });

  it('records refused (403) requests with who, what and from where, without tokens, and shows them to admins', async () => {
    const organizer = await createUser(db());
    const agent = await signedInAgent(t.app, organizer.email);
    expect((await agent.get('/admin/people?token=SECRET123')).status).toBe(403);
    const anonymousPost = await request(t.app).post('/account/password').type('form').send({ x: '1' });
    expect(anonymousPost.status).toBe(403);
    // Written after the response: wait for it.
    for (let i = 0; i < 50 && (await events('security.refused')).length < 2; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await events('security.refused');
    // Both are written after their responses, so either may land first.
    expect(refused).toHaveLength(2);
    expect(refused.map((e) => [e.actorId, e.subjectId, e.details.reason])).toEqual(
      expect.arrayContaining([
        [organizer.id, 'GET /admin/people?token=[redacted]', 'not allowed'],
        [null, 'POST /account/password', 'form token missing or expired'],
      ]),
    );

    const admin = await createUser(db(), { role: 'admin' });
    const page = await (await signedInAgent(t.app, admin.email)).get('/admin/audit?action=security.refused');
    expect(page.status).toBe(200);
    expect(page.text).toContain('GET /admin/people?token=[redacted]');
  });
});
