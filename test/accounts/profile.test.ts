import { IsNull } from 'typeorm';
import { EmailChange } from '../../src/accounts/email-change.entity';
import { User, type User as UserRow } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { certificateKit } from '../certificates/kit';
import { startTestApp, TEST_ENV, type TestApp } from '../helpers/app';
import { createChapter, createUser, TEST_PASSWORD } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent, type Agent } from '../helpers/http';

describe('profiles: names and addresses', () => {
  let t: TestApp;
  let person: UserRow;
  let agent: Agent;
  const db = () => t.dataSource.manager;

  beforeEach(async () => {
    t = await startTestApp();
    person = await createUser(db(), { displayName: 'Oscar Organiser' });
    agent = await signedInAgent(t.app, person.email);
  });
  afterEach(() => t.close());

  it('lets people correct their own name (audited) and refuses a blank one', async () => {
    expect((await postForm(agent, '/account/name', { displayName: '   ' })).status).toBe(400);
    expect((await postForm(agent, '/account/name', { displayName: 'Oscar Organizer' })).status).toBe(303);
    expect((await db().findOneByOrFail(User, { id: person.id })).displayName).toBe('Oscar Organizer');
    const audit = await db().findOneByOrFail(AuditEvent, { action: 'user.renamed', subjectId: person.id });
    expect(audit.details).toEqual({ displayName: { from: 'Oscar Organiser', to: 'Oscar Organizer' } });
    expect((await agent.get('/account')).text).toContain('Oscar Organizer');
  });

  it('counts wrong current passwords on the address form against the same limit as the password form', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const response = await postForm(agent, '/account/email', {
        newEmail: `guess${i}@example.org`,
        currentPassword: `wrong guess ${i}`,
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const right = await postForm(agent, '/account/email', {
      newEmail: 'late@example.org',
      currentPassword: TEST_PASSWORD,
    });
    expect(right.status).toBe(429);
    expect(await db().countBy(OutboxMessage, { toAddress: 'late@example.org' })).toBe(0);
  });

  it('changes an address only through a link sent to the new one, and tells the old one', async () => {
    const other = await createUser(db());
    expect(
      (await postForm(agent, '/account/email', { newEmail: 'new@example.org', currentPassword: 'wrong' }))
        .status,
    ).toBe(400);
    const taken = await postForm(agent, '/account/email', {
      newEmail: other.email,
      currentPassword: TEST_PASSWORD,
    });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('Another account already uses this address.');
    expect(
      (
        await postForm(agent, '/account/email', {
          newEmail: 'New@Example.org',
          currentPassword: TEST_PASSWORD,
        })
      ).status,
    ).toBe(303);
    expect((await db().findOneByOrFail(User, { id: person.id })).email).toBe(person.email);
    const toNew = await db().findOneByOrFail(OutboxMessage, { toAddress: 'new@example.org' });
    const link = new RegExp(
      `${TEST_ENV.BASE_URL.replace(/\./g, '\\.')}(/account/email/[A-Za-z0-9_-]{43})`,
    ).exec(toNew.bodyText)![1];
    const toOld = await db().findOneByOrFail(OutboxMessage, { toAddress: person.email });
    expect(toOld.bodyText).toContain('new@example.org');

    // Opened on another device, without signing in.
    const elsewhere = anonymousAgent(t.app);
    const page = await elsewhere.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('new@example.org');
    expect((await db().findOneByOrFail(User, { id: person.id })).email).toBe(person.email);
    expect((await postForm(elsewhere, link)).status).toBe(303);
    expect((await db().findOneByOrFail(User, { id: person.id })).email).toBe('new@example.org');
    expect(await db().countBy(EmailChange, { userId: person.id, usedAt: IsNull() })).toBe(0);
    expect(await db().countBy(OutboxMessage, { toAddress: person.email })).toBe(2);
    expect(await db().countBy(AuditEvent, { action: 'user.email_changed', subjectId: person.id })).toBe(1);
    expect((await postForm(elsewhere, link)).status).toBe(410);
    expect((await anonymousAgent(t.app).get('/account/email/' + 'x'.repeat(43))).status).toBe(404);
    await signedInAgent(t.app, 'new@example.org');
  });

  it('lets admins correct name and address (audited, both addresses told), within their scope', async () => {
    const admin = await createUser(db(), { role: 'admin', displayName: 'Ada Admin' });
    const adminAgent = await signedInAgent(t.app, admin.email);
    const response = await postForm(adminAgent, `/admin/people/${person.id}/identity`, {
      displayName: 'Oscar Organizer',
      email: 'oscar@example.org',
    });
    expect(response.status).toBe(303);
    expect(await db().findOneByOrFail(User, { id: person.id })).toMatchObject({
      displayName: 'Oscar Organizer',
      email: 'oscar@example.org',
    });
    const audit = await db().findOneByOrFail(AuditEvent, { action: 'user.corrected', subjectId: person.id });
    expect(audit).toMatchObject({ actorId: admin.id });
    expect(audit.details).toMatchObject({ email: { from: person.email, to: 'oscar@example.org' } });
    expect(await db().countBy(OutboxMessage, { toAddress: person.email })).toBe(1);
    expect(await db().countBy(OutboxMessage, { toAddress: 'oscar@example.org' })).toBe(1);

    const taken = await postForm(adminAgent, `/admin/people/${person.id}/identity`, {
      displayName: 'Oscar',
      email: admin.email,
    });
    expect(taken.status).toBe(409);

    const chapter = await createChapter(db());
    const scoped = await createUser(db(), {
      role: 'admin',
      scopeChapterId: chapter.id,
      chapterId: chapter.id,
    });
    const scopedAgent = await signedInAgent(t.app, scoped.email);
    expect(
      (
        await postForm(scopedAgent, `/admin/people/${person.id}/identity`, {
          displayName: 'X',
          email: 'x@example.org',
        })
      ).status,
    ).toBe(404);
    expect((await db().findOneByOrFail(User, { id: person.id })).displayName).toBe('Oscar Organizer');
  });

  it('offers the holder a one-click re-issue with the new name, keeping the award date', async () => {
    const kit = certificateKit(t);
    const old = await kit.certify(person.id);
    expect((await agent.get('/me/certificates')).text).not.toContain('Re-issue with');
    expect((await postForm(agent, `/me/certificates/${old.id}/reissue`)).status).toBe(409);
    await postForm(agent, '/account/name', { displayName: 'Oscar Organizer' });
    const page = await agent.get('/me/certificates');
    expect(page.text).toContain('Re-issue with “Oscar Organizer”');

    const stranger = await signedInAgent(t.app, (await createUser(db())).email);
    expect((await postForm(stranger, `/me/certificates/${old.id}/reissue`)).status).toBe(404);

    expect((await postForm(agent, `/me/certificates/${old.id}/reissue`)).status).toBe(303);
    const current = await db().findOneByOrFail(Certificate, { userId: person.id, supersededAt: IsNull() });
    expect(current.id).not.toBe(old.id);
    expect(current.awardedAt.toISOString()).toBe(old.awardedAt.toISOString());
    expect((current.credential.credentialSubject as { name: string }).name).toBe('Oscar Organizer');
    expect(await db().countBy(AuditEvent, { action: 'certificate.reissued', actorId: person.id })).toBe(1);
    expect((await agent.get('/me/certificates')).text).not.toContain('Re-issue with');
  });

  it('shows the current coach on the admin person page', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const coach = await createUser(db(), { role: 'coach', displayName: 'Carla Coach' });
    const adminAgent = await signedInAgent(t.app, admin.email);
    expect((await adminAgent.get(`/admin/people/${person.id}`)).text).toContain('Coach: none yet');
    await postForm(adminAgent, `/admin/people/${person.id}/coach`, { coachId: coach.id });
    expect((await adminAgent.get(`/admin/people/${person.id}`)).text).toContain(
      `<a href="/admin/people/${coach.id}">Carla Coach</a>`,
    );
  });
});
