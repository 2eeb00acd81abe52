import type { Response } from 'supertest';
import { Cohort } from '../../src/accounts/cohort.entity';
import type { User } from '../../src/accounts/user.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import { JoinRequest, PartnerRequest } from '../../src/doors/door.entities';
import { CoachRequest, EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { certificateKit } from '../certificates/kit';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';
import { listRoutes } from '../helpers/routes';

type Records = {
  chapterId: string;
  organizer: User;
  certificateId: string;
  inviteId: string;
  workshopId: string;
  submissionId: string;
  cohortId: string;
  /** A story in the chapter's circle, waiting for a chapter admin to publish it. */
  storyId: string;
  /** A confirmed join request and a confirmed partner request routed to the chapter. */
  joinRequestId: string;
  partnerRequestId: string;
};

/**
 * A chapter-scoped admin (chapter B) against every admin route, with records of chapter A:
 * reading gives 404 (or a list without them), changing is refused, and chapter A is unchanged.
 */
describe('chapter-scoped admins', () => {
  let t: TestApp;
  let scoped: Agent;
  let academyAdmin: User;
  let a: Records;
  let b: Records;
  const db = () => t.dataSource.manager;
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  async function recordsFor(name: string): Promise<Records> {
    const chapter = await createChapter(db(), { name });
    const organizer = await createUser(db(), { displayName: `${name} Organizer`, chapterId: chapter.id });
    const certificate = await certificateKit(t).certify(organizer.id);
    const [invite] = await db().query<{ id: string }[]>(
      `INSERT INTO invites (email, role, chapter_id, token_hash, invited_by_id, expires_at)
       VALUES ($1, 'organizer', $2, $3, $4, now() + interval '7 days') RETURNING id`,
      [
        `${name.replace(/\W/g, '').toLowerCase()}-invitee@example.org`,
        chapter.id,
        `hash-${name}`,
        academyAdmin.id,
      ],
    );
    const workshops = new WorkshopsService(curriculum, t.config.baseUrl);
    const start = new Date(Date.now() + 86_400_000);
    const workshop = await t.dataSource.transaction((m) =>
      workshops.create(m, academyAdmin, {
        title: `${name} workshop`,
        description: '',
        milestoneIds: [],
        startsAt: start,
        endsAt: new Date(start.getTime() + 3_600_000),
        timeZone: 'UTC',
        location: '',
        onlineUrl: null,
        capacity: 5,
        chapterId: chapter.id,
      }),
    );
    const submission = await db().save(
      db().create(EvidenceSubmission, {
        organizerId: organizer.id,
        milestoneId: certificateKit(t).milestoneIds[0],
        attempt: 1,
        body: 'evidence',
        links: [],
        status: 'approved',
      }),
    );
    await db().insert(CoachRequest, { organizerId: organizer.id, message: `${name} needs a coach` });
    const cohort = await db().save(db().create(Cohort, { name: `${name} cohort`, chapterId: chapter.id }));
    const [circle] = await db().query<{ id: string }[]>('SELECT id FROM circles WHERE chapter_id = $1', [
      chapter.id,
    ]);
    const [story] = await db().query<{ id: string }[]>(
      `INSERT INTO circle_posts (circle_id, author_id, kind, title, body)
       VALUES ($1, $2, 'story', $3, 'x') RETURNING id`,
      [circle.id, organizer.id, `${name} story`],
    );
    await db().query(
      `INSERT INTO story_publications (post_id, chapter_id, request_state, requested_at, requested_by)
       VALUES ($1, $2, 'pending', now(), $3)`,
      [story.id, chapter.id, organizer.id],
    );
    const expires = new Date(Date.now() + 48 * 3_600_000);
    const join = await db().save(
      db().create(JoinRequest, {
        name: `${name} joiner`,
        email: `${name.replace(/\W/g, '').toLowerCase()}-joiner@example.org`,
        stateCode: 'MA',
        intent: 'join',
        note: '',
        confirmExpiresAt: expires,
        confirmedAt: new Date(),
        chapterId: chapter.id,
      }),
    );
    const partner = await db().save(
      db().create(PartnerRequest, {
        organisation: `${name} partner org`,
        contactName: 'Pat Partner',
        contactEmail: `${name.replace(/\W/g, '').toLowerCase()}-partner@example.org`,
        kind: 'nonprofit',
        need: 'Advice on a form.',
        confirmExpiresAt: expires,
        confirmedAt: new Date(),
        chapterId: chapter.id,
        status: 'new',
        statusTokenHash: `status-hash-${name}`,
      }),
    );
    return {
      joinRequestId: join.id,
      partnerRequestId: partner.id,
      storyId: story.id,
      chapterId: chapter.id,
      organizer,
      certificateId: certificate.id,
      inviteId: invite.id,
      workshopId: workshop.id,
      submissionId: submission.id,
      cohortId: cohort.id,
    };
  }

  beforeAll(async () => {
    t = await startTestApp();
    academyAdmin = await createUser(db(), { role: 'admin' });
    a = await recordsFor('Chapter Alpha');
    b = await recordsFor('Chapter Beta');
    const admin = await createUser(db(), {
      role: 'admin',
      chapterId: b.chapterId,
      scopeChapterId: b.chapterId,
    });
    scoped = await signedInAgent(t.app, admin.email);
  });
  afterAll(() => t.close());

  const hidden = (r: Response) => expect([403, 404]).toContain(r.status);
  const notListing = (r: Response) => {
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('Chapter Alpha');
  };
  /** The row of chapter A's record, the same after the refused request as before it. */
  const unchanged = async (table: string, id: string, act: () => Promise<void>) => {
    const row = () =>
      db().query<{ row: unknown }[]>(`SELECT row_to_json(r) AS row FROM ${table} r WHERE id = $1`, [id]);
    const before = await row();
    await act();
    expect(await row()).toEqual(before);
  };
  const get = (url: string) => scoped.get(url);
  const post = (url: string, fields: Record<string, string> = {}) => postForm(scoped, url, fields);

  /** Every admin route, what a chapter-B admin gets for chapter A's records. */
  const CASES: Record<string, () => Promise<void>> = {
    'GET /admin': async () => expect((await get('/admin')).status).toBe(303),
    'GET /admin/people': async () => notListing(await get(`/admin/people?chapterId=${a.chapterId}`)),
    'GET /admin/people/:id': async () => hidden(await get(`/admin/people/${a.organizer.id}`)),
    'POST /admin/people/:id': async () =>
      hidden(await post(`/admin/people/${a.organizer.id}`, { role: 'coach', chapterId: a.chapterId })),
    'POST /admin/people/:id/deactivate': async () =>
      hidden(await post(`/admin/people/${a.organizer.id}/deactivate`)),
    'POST /admin/people/:id/reactivate': async () =>
      hidden(await post(`/admin/people/${a.organizer.id}/reactivate`)),
    'GET /admin/people/:id/coach': async () => hidden(await get(`/admin/people/${a.organizer.id}/coach`)),
    'POST /admin/people/:id/coach': async () =>
      hidden(await post(`/admin/people/${a.organizer.id}/coach`, {})),
    'GET /admin/people/:id/certificates': async () =>
      hidden(await get(`/admin/people/${a.organizer.id}/certificates`)),
    'POST /admin/people/:id/certificates/recheck': async () =>
      hidden(await post(`/admin/people/${a.organizer.id}/certificates/recheck`)),
    'POST /admin/people/:id/certificates/issue': async () =>
      hidden(
        await post(`/admin/people/${a.organizer.id}/certificates/issue`, { trackId: 'civic-tech-organizer' }),
      ),
    'POST /admin/certificates/:id/reissue': async () =>
      hidden(await post(`/admin/certificates/${a.certificateId}/reissue`)),
    'POST /admin/certificates/:id/revoke': async () =>
      hidden(await post(`/admin/certificates/${a.certificateId}/revoke`, { reason: 'no' })),
    'GET /admin/certificates': async () =>
      notListing(await get(`/admin/certificates?chapterId=${a.chapterId}`)),
    'GET /admin/certificates/:id/revoke': async () =>
      hidden(await get(`/admin/certificates/${a.certificateId}/revoke`)),
    'GET /admin/people/:id/deactivate': async () =>
      hidden(await get(`/admin/people/${a.organizer.id}/deactivate`)),
    'POST /admin/people/:id/identity': async () =>
      hidden(
        await post(`/admin/people/${a.organizer.id}/identity`, { displayName: 'X', email: 'x@example.org' }),
      ),
    'GET /admin/submissions/:id/withdraw': async () =>
      hidden(await get(`/admin/submissions/${a.submissionId}/withdraw`)),
    'GET /admin/chapters': async () => hidden(await get('/admin/chapters')),
    'POST /admin/chapters': async () => hidden(await post('/admin/chapters', { name: 'Sneaky chapter' })),
    'GET /admin/chapters/:id': async () => hidden(await get(`/admin/chapters/${a.chapterId}`)),
    'POST /admin/chapters/:id': async () =>
      hidden(await post(`/admin/chapters/${a.chapterId}`, { name: 'Renamed' })),
    'GET /admin/chapters/:id/page': async () => hidden(await get(`/admin/chapters/${a.chapterId}/page`)),
    'POST /admin/chapters/:id/page': async () => {
      hidden(await post(`/admin/chapters/${a.chapterId}/page`, { slug: 'sneaky-page', countryCode: 'US' }));
      expect(
        await db().query(`SELECT 1 FROM chapter_pages WHERE chapter_id = $1`, [a.chapterId]),
      ).toHaveLength(0);
    },
    'GET /admin/stories': async () => notListing(await get('/admin/stories')),
    'GET /admin/requests': async () => notListing(await get('/admin/requests')),
    'GET /admin/requests/:id': async () => hidden(await get(`/admin/requests/${a.joinRequestId}`)),
    'POST /admin/requests/:id/invite': async () =>
      unchanged('join_requests', a.joinRequestId, async () =>
        hidden(await post(`/admin/requests/${a.joinRequestId}/invite`)),
      ),
    'POST /admin/requests/:id/reply': async () =>
      unchanged('join_requests', a.joinRequestId, async () =>
        hidden(await post(`/admin/requests/${a.joinRequestId}/reply`, { body: 'Hello there.' })),
      ),
    'POST /admin/requests/:id/close': async () =>
      unchanged('join_requests', a.joinRequestId, async () =>
        hidden(await post(`/admin/requests/${a.joinRequestId}/close`)),
      ),
    'GET /admin/partner-requests': async () => notListing(await get('/admin/partner-requests')),
    'GET /admin/partner-requests/:id': async () =>
      hidden(await get(`/admin/partner-requests/${a.partnerRequestId}`)),
    'POST /admin/partner-requests/:id/move': async () =>
      unchanged('partner_requests', a.partnerRequestId, async () =>
        hidden(
          await post(`/admin/partner-requests/${a.partnerRequestId}/move`, {
            status: 'talking',
            noteForPartner: 'x',
          }),
        ),
      ),
    'POST /admin/partner-requests/:id/status-link': async () =>
      unchanged('partner_requests', a.partnerRequestId, async () =>
        hidden(await post(`/admin/partner-requests/${a.partnerRequestId}/status-link`)),
      ),
    'POST /admin/partner-requests/:id/status-link/revoke': async () =>
      unchanged('partner_requests', a.partnerRequestId, async () =>
        hidden(await post(`/admin/partner-requests/${a.partnerRequestId}/status-link/revoke`)),
      ),
    'POST /admin/partner-requests/:id/introductions': async () => {
      hidden(
        await post(`/admin/partner-requests/${a.partnerRequestId}/introductions`, { userId: a.organizer.id }),
      );
      expect(
        await db().query('SELECT 1 FROM introductions WHERE request_id = $1', [a.partnerRequestId]),
      ).toHaveLength(0);
    },
    'GET /admin/reports/all-sides': async () =>
      notListing(await get(`/admin/reports/all-sides?chapterId=${a.chapterId}`)),
    'GET /admin/reports/all-sides.csv': async () =>
      notListing(await get(`/admin/reports/all-sides.csv?chapterId=${a.chapterId}`)),
    'POST /admin/stories/:id/approve': async () => {
      hidden(await post(`/admin/stories/${a.storyId}/approve`, { version: new Date().toISOString() }));
      const [row] = await db().query<{ request_state: string }[]>(
        'SELECT request_state FROM story_publications WHERE post_id = $1',
        [a.storyId],
      );
      expect(row.request_state).toBe('pending');
    },
    'POST /admin/stories/:id/decline': async () =>
      hidden(await post(`/admin/stories/${a.storyId}/decline`, { reason: 'no' })),
    'GET /admin/invites': async () => notListing(await get('/admin/invites')),
    'POST /admin/invites': async () => {
      const other = await post('/admin/invites', {
        email: 'x1@example.org',
        role: 'organizer',
        chapterId: a.chapterId,
      });
      expect(other.status).toBe(400);
      expect(other.text).toContain('You can only invite people into your own chapter.');
      const admin = await post('/admin/invites', {
        email: 'x2@example.org',
        role: 'admin',
        chapterId: b.chapterId,
      });
      expect(admin.status).toBe(400);
    },
    'POST /admin/invites/:id/resend': async () => hidden(await post(`/admin/invites/${a.inviteId}/resend`)),
    'POST /admin/invites/:id/revoke': async () => hidden(await post(`/admin/invites/${a.inviteId}/revoke`)),
    'GET /admin/outbox': async () => hidden(await get('/admin/outbox')),
    'GET /admin/coach-requests': async () => notListing(await get('/admin/coach-requests')),
    'POST /admin/submissions/:id/withdraw': async () =>
      hidden(await post(`/admin/submissions/${a.submissionId}/withdraw`, { reason: 'no' })),
    'GET /admin/cohorts': async () => notListing(await get('/admin/cohorts')),
    'POST /admin/cohorts': async () => {
      expect((await post('/admin/cohorts', { name: 'Beta autumn', chapterId: a.chapterId })).status).toBe(
        303,
      );
      const [row] = await db().query<{ chapter_id: string }[]>(
        `SELECT chapter_id FROM cohorts WHERE name = 'Beta autumn'`,
      );
      expect(row.chapter_id).toBe(b.chapterId);
    },
    'GET /admin/reports': async () => notListing(await get(`/admin/reports?chapterId=${a.chapterId}`)),
    'GET /admin/exports': async () => notListing(await get(`/admin/exports?chapterId=${a.chapterId}`)),
    'GET /admin/exports/:file': async () => {
      const csv = await get(`/admin/exports/people.csv?chapterId=${a.chapterId}`);
      expect(csv.status).toBe(200);
      expect(csv.text).not.toContain('Chapter Alpha');
      expect(csv.text).toContain('Chapter Beta Organizer');
    },
    'GET /admin/audit': async () => hidden(await get('/admin/audit')),
    'GET /admin/audit.csv': async () => hidden(await get('/admin/audit.csv')),
    // The issuer's DID and keys are the whole academy's: not a chapter admin's page.
    'GET /admin/issuer': async () => expect((await get('/admin/issuer')).status).toBe(403),
    'GET /admin/import': async () => expect((await get('/admin/import')).status).toBe(200),
    'POST /admin/import': async () => {
      const token = await csrfToken(scoped);
      const response = await scoped
        .post('/admin/import')
        .field('_csrf', token)
        .field('step', 'import')
        .field('csv', 'email,chapter\nsneak@example.org,Chapter Alpha\n');
      expect(response.status).toBe(303);
      expect(await db().query(`SELECT 1 FROM invites WHERE email = 'sneak@example.org'`)).toHaveLength(0);
    },
  };

  it('covers every admin route', () => {
    const adminRoutes = listRoutes(t.app).filter((r) => r.split(' ')[1].startsWith('/admin'));
    expect(Object.keys(CASES).sort()).toEqual(adminRoutes);
  });

  it.each(Object.keys(CASES))('%s', async (route) => {
    await CASES[route]();
  });

  it('cannot manage workshops, coaching records or certificates of other chapters', async () => {
    for (const url of [
      `/workshops/${a.workshopId}/edit`,
      `/workshops/${a.workshopId}/attendance`,
      `/workshops/${a.workshopId}/check-in`,
    ])
      hidden(await get(url));
    hidden(await post(`/workshops/${a.workshopId}/cancel`));
    hidden(await get(`/coach/organizers/${a.organizer.id}`));
    const create = await post('/workshops', {
      title: 'Elsewhere',
      startsAt: '2099-01-01T10:00',
      endsAt: '2099-01-01T12:00',
      timeZone: 'UTC',
      capacity: '5',
      chapterId: a.chapterId,
    });
    expect(create.status).toBe(400);
    expect(create.text).toContain('You can only schedule workshops for your own chapter.');
  });

  it('leaves chapter A untouched, and works normally on its own chapter', async () => {
    expect((await db().findOneByOrFail(Certificate, { id: a.certificateId })).revokedAt).toBeNull();
    expect(await db().query(`SELECT revoked_at FROM invites WHERE id = $1`, [a.inviteId])).toEqual([
      { revoked_at: null },
    ]);
    expect((await get(`/admin/people/${b.organizer.id}`)).status).toBe(200);
    expect((await get(`/workshops/${b.workshopId}/attendance`)).status).toBe(200);
    expect(
      (await post(`/admin/certificates/${b.certificateId}/revoke`, { reason: 'Checked: issued in error' }))
        .status,
    ).toBe(303);
    expect((await db().findOneByOrFail(Certificate, { id: b.certificateId })).revokedReason).toBe(
      'Checked: issued in error',
    );
  });
});
