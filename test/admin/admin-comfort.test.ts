import type { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import { Notification } from '../../src/notifications/notification.entities';
import { Workshop } from '../../src/workshops/workshop.entities';
import { certificateKit, TRACK_ID } from '../certificates/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';

const LISTENING_TOUR = 'people-first-listening-tour';

describe('admin comfort', () => {
  let t: TestApp;
  let admin: User;
  let adminAgent: Agent;
  const db = () => t.dataSource.manager;

  beforeEach(async () => {
    t = await startTestApp();
    admin = await createUser(db(), { role: 'admin', displayName: 'Ada Admin' });
    adminAgent = await signedInAgent(t.app, admin.email);
  });
  afterEach(() => t.close());

  it('lists every certificate with filters and keyset pages, links it from the menu, and revokes through a confirmation', async () => {
    const kit = certificateKit(t);
    const chapter = await createChapter(db(), { name: 'Code for Boston' });
    const boston = await createUser(db(), { displayName: 'Bea Boston', chapterId: chapter.id });
    const elsewhere = await createUser(db(), { displayName: 'Eli Elsewhere' });
    const bostonCertificate = await kit.certify(boston.id);
    await kit.certify(elsewhere.id);

    const home = await adminAgent.get('/admin/certificates');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<a href="/admin/certificates" aria-current="page">Certificates</a>');
    expect(home.text).toContain('Bea Boston');
    expect(home.text).toContain('Eli Elsewhere');
    const byChapter = await adminAgent.get(`/admin/certificates?chapterId=${chapter.id}`);
    expect(byChapter.text).toContain('Bea Boston');
    expect(byChapter.text).not.toContain('Eli Elsewhere');
    expect((await adminAgent.get('/admin/certificates?status=revoked')).text).toContain(
      'No certificates match.',
    );
    expect((await adminAgent.get(`/admin/certificates?trackId=${TRACK_ID}&status=valid`)).text).toContain(
      'Eli Elsewhere',
    );
    expect((await adminAgent.get('/admin/certificates?chapterId=nonsense&status=<b>')).status).toBe(200);

    const confirm = await adminAgent.get(`/admin/certificates/${bostonCertificate.id}/revoke`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Who will be told:');
    expect(confirm.text).toContain(`Bea Boston (${boston.email})`);
    expect((await db().findOneByOrFail(Certificate, { id: bostonCertificate.id })).revokedAt).toBeNull();
    const revoked = await postForm(adminAgent, `/admin/certificates/${bostonCertificate.id}/revoke`, {
      reason: 'Issued by mistake',
    });
    expect(revoked.status).toBe(303);
    expect((await db().findOneByOrFail(Certificate, { id: bostonCertificate.id })).revokedAt).not.toBeNull();
    expect(
      await db().countBy(Notification, {
        userId: boston.id,
        title: `Certificate revoked: ${kit.track.certificateName}`,
      }),
    ).toBe(1);

    // 55 older superseded copies: the first page holds 50, the next the rest, none twice.
    await t.dataSource.query(
      `INSERT INTO certificates (code, user_id, track_id, credential, credential_hash, curriculum_version,
                                 awarded_at, status_list_id, status_index, superseded_at, issued_at)
       SELECT md5(random()::text) || md5(random()::text), user_id, track_id, credential, credential_hash,
              curriculum_version, awarded_at, status_list_id, status_index + 100000 + g, now(),
              issued_at - g * interval '1 minute'
         FROM certificates, generate_series(1, 55) g WHERE id = $1`,
      [bostonCertificate.id],
    );
    const first = await adminAgent.get('/admin/certificates?status=superseded');
    expect((first.text.match(/<li class="card">/g) ?? []).length).toBe(50);
    const next = /href="(\/admin\/certificates\?status=superseded&amp;after=[0-9a-f-]+)"/.exec(
      first.text,
    )![1];
    const second = await adminAgent.get(next.replace(/&amp;/g, '&'));
    expect((second.text.match(/<li class="card">/g) ?? []).length).toBe(5);

    const scoped = await createUser(db(), {
      role: 'admin',
      chapterId: chapter.id,
      scopeChapterId: chapter.id,
    });
    const scopedPage = await (await signedInAgent(t.app, scoped.email)).get('/admin/certificates');
    expect(scopedPage.text).toContain('Bea Boston');
    expect(scopedPage.text).not.toContain('Eli Elsewhere');
  });

  it('links bulk invite from People and Invites', async () => {
    expect((await adminAgent.get('/admin/people')).text).toContain('href="/admin/import"');
    expect((await adminAgent.get('/admin/invites')).text).toContain('href="/admin/import"');
  });

  it('cancels a workshop only after a confirmation naming who will be told, and can reinstate it', async () => {
    const organizer = await createUser(db(), { displayName: 'Oscar Organizer' });
    const created = await postForm(adminAgent, '/workshops', {
      title: 'Facilitation practice',
      description: '',
      startsAt: '2030-03-03T18:00',
      endsAt: '2030-03-03T20:00',
      timeZone: 'America/New_York',
      location: 'Library',
      capacity: '12',
    });
    expect(created.status).toBe(303);
    const workshop = await db().findOneByOrFail(Workshop, { title: 'Facilitation practice' });
    const organizerAgent = await signedInAgent(t.app, organizer.email);
    expect((await postForm(organizerAgent, `/workshops/${workshop.id}/register`)).status).toBe(303);

    const page = await adminAgent.get(`/workshops/${workshop.id}`);
    expect(page.text).toContain(`href="/workshops/${workshop.id}/cancel"`);
    expect(page.text).not.toContain(`action="/workshops/${workshop.id}/cancel"`);
    const confirm = await adminAgent.get(`/workshops/${workshop.id}/cancel`);
    expect(confirm.text).toContain(`Oscar Organizer (${organizer.email})`);
    expect((await organizerAgent.get(`/workshops/${workshop.id}/cancel`)).status).toBe(403);
    expect((await db().findOneByOrFail(Workshop, { id: workshop.id })).cancelledAt).toBeNull();

    expect((await postForm(adminAgent, `/workshops/${workshop.id}/cancel`)).status).toBe(303);
    expect((await db().findOneByOrFail(Workshop, { id: workshop.id })).cancelledAt).not.toBeNull();
    expect((await adminAgent.get(`/workshops/${workshop.id}`)).text).toContain('Reinstate the workshop');
    expect((await postForm(organizerAgent, `/workshops/${workshop.id}/reinstate`)).status).toBe(403);
    expect((await postForm(adminAgent, `/workshops/${workshop.id}/reinstate`)).status).toBe(303);
    expect((await db().findOneByOrFail(Workshop, { id: workshop.id })).cancelledAt).toBeNull();
    expect((await postForm(adminAgent, `/workshops/${workshop.id}/reinstate`)).status).toBe(409);
    const told = await db().findBy(Notification, { userId: organizer.id, kind: 'workshops' });
    expect(told.map((n) => n.title).sort()).toEqual([
      'Workshop back on: Facilitation practice',
      'Workshop cancelled: Facilitation practice',
    ]);
    expect(await db().countBy(AuditEvent, { action: 'workshop.reinstated', subjectId: workshop.id })).toBe(1);
  });

  it('asks before deactivating and before withdrawing an approval, and writes the audit log in words', async () => {
    const organizer = await createUser(db(), { displayName: 'Oscar Organizer' });
    const coach = await createUser(db(), { role: 'coach', displayName: 'Carla Coach' });
    const deactivate = await adminAgent.get(`/admin/people/${organizer.id}/deactivate`);
    expect(deactivate.status).toBe(200);
    expect(deactivate.text).toContain('Deactivate Oscar Organizer?');
    expect(deactivate.text).toContain('Nobody is notified.');
    expect((await adminAgent.get(`/admin/people/${organizer.id}`)).text).toContain(
      `href="/admin/people/${organizer.id}/deactivate"`,
    );

    await postForm(adminAgent, `/admin/people/${organizer.id}/coach`, { coachId: coach.id });
    const organizerAgent = await signedInAgent(t.app, organizer.email);
    const coachAgent = await signedInAgent(t.app, coach.email);
    await postForm(organizerAgent, `/me/milestones/${LISTENING_TOUR}`, { body: 'Six talks.', links: '' });
    const [submission] = await db().query<{ id: string }[]>('SELECT id FROM evidence_submissions');
    expect(
      (
        await postForm(coachAgent, `/coach/submissions/${submission.id}/review`, {
          decision: 'approved',
          feedback: 'Great.',
          revision: '1',
        })
      ).status,
    ).toBe(303);
    const withdraw = await adminAgent.get(`/admin/submissions/${submission.id}/withdraw`);
    expect(withdraw.status).toBe(200);
    expect(withdraw.text).toContain(`Oscar Organizer (${organizer.email})`);
    expect(
      (await postForm(adminAgent, `/admin/submissions/${submission.id}/withdraw`, { reason: 'Copied' }))
        .status,
    ).toBe(303);
    expect(await db().countBy(Notification, { userId: organizer.id, kind: 'feedback' })).toBe(2);

    const audit = await adminAgent.get('/admin/audit');
    expect(audit.text).toContain(
      'Carla Coach approved Oscar Organizer’s evidence for &#39;Run a listening tour&#39;',
    );
    expect(audit.text).toContain(
      'Ada Admin withdrew the approval of Oscar Organizer’s evidence for &#39;Run a listening tour&#39; (reason: Copied)',
    );
    expect(audit.text).toContain('Ada Admin assigned a coach to Oscar Organizer');
  });
});
