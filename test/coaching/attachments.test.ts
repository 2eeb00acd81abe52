import type { User } from '../../src/accounts/user.entity';
import { EvidenceAttachment } from '../../src/coaching/attachment.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, csrfFrom, postForm, signedInAgent, type Agent } from '../helpers/http';

const MILESTONE = 'people-first-listening-tour';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

describe('files as evidence', () => {
  let t: TestApp;
  let organizer: User;
  let coach: User;
  let organizerAgent: Agent;
  let coachAgent: Agent;
  let submissionId: string;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    // Small limits so "too big" and the quota are quick to reach: 20 KB a file, 3 files, 45 KB each.
    t = await startTestApp({
      env: {
        ATTACHMENT_MAX_MB: String(20 / 1024),
        ATTACHMENTS_PER_SUBMISSION: '3',
        ATTACHMENT_QUOTA_MB: String(45 / 1024),
      },
    });
    const admin = await createUser(db(), { role: 'admin' });
    organizer = await createUser(db(), { displayName: 'Oscar Organizer' });
    coach = await createUser(db(), { role: 'coach' });
    await postForm(await signedInAgent(t.app, admin.email), `/admin/people/${organizer.id}/coach`, {
      coachId: coach.id,
    });
    organizerAgent = await signedInAgent(t.app, organizer.email);
    coachAgent = await signedInAgent(t.app, coach.email);
    await postForm(organizerAgent, `/me/milestones/${MILESTONE}`, { body: 'Agenda attached.', links: '' });
    [{ id: submissionId }] = await db().query<{ id: string }[]>('SELECT id FROM evidence_submissions');
  });
  afterAll(() => t.close());

  async function upload(files: [Buffer, string][], agent = organizerAgent) {
    const page = await agent.get(`/me/milestones/${MILESTONE}`);
    let request = agent
      .post(`/me/submissions/${submissionId}/attachments`)
      .field('_csrf', csrfFrom(page.text));
    for (const [content, name] of files) request = request.attach('files', content, name);
    const response = await request;
    const after = await agent.get(`/me/milestones/${MILESTONE}`);
    return { response, page: after.text };
  }

  it('takes PDFs and images checked by content, shows images as thumbnails, and serves files only to readers, as downloads', async () => {
    const { response, page } = await upload([
      [PDF, 'agenda.pdf'],
      [PNG, '../../photo.png'],
    ]);
    expect(response.status).toBe(303);
    expect(page).toContain('2 files were attached.');
    const rows = await db().find(EvidenceAttachment, { order: { filename: 'ASC' } });
    expect(rows.map((r) => [r.filename, r.mediaType, r.size])).toEqual([
      ['agenda.pdf', 'application/pdf', PDF.length],
      ['photo.png', 'image/png', PNG.length],
    ]);
    const png = rows[1];
    expect(page).toContain(`<img src="/attachments/${png.id}"`);

    for (const agent of [organizerAgent, coachAgent]) {
      const file = await agent.get(`/attachments/${png.id}`).buffer(true);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename="?photo\.png"?$/);
      expect(file.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
    }
    const stranger = await signedInAgent(t.app, (await createUser(db())).email);
    expect((await stranger.get(`/attachments/${png.id}`)).status).toBe(403);
    const otherCoach = await signedInAgent(t.app, (await createUser(db(), { role: 'coach' })).email);
    expect((await otherCoach.get(`/attachments/${png.id}`)).status).toBe(403);
    expect((await anonymousAgent(t.app).get(`/attachments/${png.id}`)).status).toBe(303);
    expect((await coachAgent.get(`/coach/submissions/${submissionId}`)).text).toContain(
      `/attachments/${png.id}`,
    );
  });

  it('refuses files that are not what they claim, too big, too many or past the quota, with a clear message', async () => {
    const before = await db().count(EvidenceAttachment);
    expect((await upload([[HTML, 'notes.pdf']])).page).toContain(
      '“notes.pdf” is not a PDF, an image (PNG, JPEG, GIF, WebP) or an office document, judging by its content.',
    );
    const big = Buffer.concat([PDF, Buffer.alloc(21 * 1024, 32)]);
    expect((await upload([[big, 'big.pdf']])).page).toContain('A file is too big: files can be up to');
    expect(
      (
        await upload([
          [PNG, 'a.png'],
          [PNG, 'b.png'],
        ])
      ).page,
    ).toContain('Evidence can carry at most 3 files');
    expect(await db().count(EvidenceAttachment)).toBe(before);

    const almost = Buffer.concat([PDF, Buffer.alloc(19 * 1024, 32)]);
    expect((await upload([[almost, 'third.pdf']])).page).toContain('The file was attached.');
    const [third] = await db().findBy(EvidenceAttachment, { filename: 'third.pdf' });
    await postForm(organizerAgent, `/me/attachments/${third.id}/delete`);
    expect(await db().countBy(EvidenceAttachment, { id: third.id })).toBe(0);
    // Quota: 45 KB for all of a person's files.
    await db().query(`UPDATE evidence_attachments SET size = 40 * 1024 WHERE filename = 'agenda.pdf'`);
    expect((await upload([[almost, 'over.pdf']])).page).toContain('past your 45 KB of evidence files');
    expect(await db().countBy(EvidenceAttachment, { filename: 'over.pdf' })).toBe(0);
  });

  it('needs the form token, and takes no files once the evidence is reviewed', async () => {
    const forged = await organizerAgent
      .post(`/me/submissions/${submissionId}/attachments`)
      .attach('files', PNG, 'x.png');
    expect(forged.status).toBe(403);
    const review = await coachAgent.get(`/coach/submissions/${submissionId}`);
    const revision = /name="revision" value="(\d+)"/.exec(review.text)![1];
    await postForm(coachAgent, `/coach/submissions/${submissionId}/review`, {
      decision: 'approved',
      feedback: '',
      revision,
    });
    const { page } = await upload([[PNG, 'late.png']]);
    expect(page).not.toContain('Add files');
    expect(await db().countBy(EvidenceAttachment, { filename: 'late.png' })).toBe(0);
    const [kept] = await db().find(EvidenceAttachment, { take: 1 });
    expect((await postForm(organizerAgent, `/me/attachments/${kept.id}/delete`)).status).toBe(409);
  });
});

describe('files as evidence under concurrent uploads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ATTACHMENTS_PER_SUBMISSION: '3' } });
  });
  afterAll(() => t.close());

  it('never lets simultaneous uploads pass the per-evidence limit', async () => {
    const organizer = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, organizer.email);
    await postForm(agent, `/me/milestones/${MILESTONE}`, { body: 'Burst.', links: '' });
    const [{ id }] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM evidence_submissions WHERE organizer_id = $1',
      [organizer.id],
    );
    const token = csrfFrom((await agent.get(`/me/milestones/${MILESTONE}`)).text);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        agent
          .post(`/me/submissions/${id}/attachments`)
          .field('_csrf', token)
          .attach('files', PNG, `burst-${i}.png`),
      ),
    );
    expect(responses.every((r) => r.status === 303)).toBe(true);
    expect(await t.dataSource.manager.countBy(EvidenceAttachment, { submissionId: id })).toBe(3);
  });
});
