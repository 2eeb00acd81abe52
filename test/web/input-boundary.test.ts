import request from 'supertest';
import { Chapter } from '../../src/accounts/chapter.entity';
import { WorkshopAttendance } from '../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../src/workshops/workshops.service';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { capturingLogger } from '../helpers/log-capture';
import { csrfFrom, postForm, signedInAgent, type Agent } from '../helpers/http';

describe('the input boundary: control characters, line breaks, broken uploads, ids out of scope', () => {
  let t: TestApp;
  let admin: Agent;
  let log: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    log = capturingLogger();
    t = await startTestApp({ logger: log.logger });
    const person = await createUser(t.dataSource.manager, { role: 'admin' });
    admin = await signedInAgent(t.app, person.email);
  });
  afterAll(() => t.close());

  it('answers searches and filters carrying NUL with a page, not a 500, and logs no error', async () => {
    for (const path of [
      '/search?q=%00',
      '/search?q=a%00b%01%7F',
      '/admin/people?q=%00',
      '/workshops?milestoneId=%00',
      '/admin/audit?person=%00',
      '/admin/audit?person[a][b][c][d][e][f][g][h][i][j]=1',
    ]) {
      const response = await admin.get(path);
      expect([path, response.status]).toEqual([path, 200]);
    }
    const csv = await admin.get('/admin/audit.csv?person=%00');
    expect(csv.status).toBe(200);
    expect(csv.text.startsWith('\ufeff') || csv.text.length > 0).toBe(true);
    expect(log.errors()).toEqual([]);
  });

  it('stores a name sent with NUL and control characters without them', async () => {
    const response = await postForm(admin, '/admin/chapters', {
      name: 'Bos\u0000ton\u0007 North',
      region: '',
    });
    expect(response.status).toBe(303);
    expect(await t.dataSource.manager.findOneBy(Chapter, { name: 'Boston North' })).not.toBeNull();
    expect(log.errors()).toEqual([]);
  });

  it('refuses line breaks in single-line fields with a message', async () => {
    for (const name of ['Evil\r\nBcc: victim@example.org', 'Evil\rX', 'Evil\nX']) {
      const response = await postForm(admin, '/admin/chapters', { name, region: '' });
      expect(response.status).toBe(400);
      expect(response.text).toContain('Chapter name must fit on one line.');
    }
    expect(await t.dataSource.manager.countBy(Chapter, { name: 'Evil' })).toBe(0);
  });

  it('answers a truncated multipart upload with 400, not 500', async () => {
    const page = await admin.get('/admin/import');
    const token = csrfFrom(page.text);
    const boundary = 'XyZ123';
    const cut =
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\nemail\r\nsomeone@exa';
    const response = await admin
      .post('/admin/import')
      .set('content-type', `multipart/form-data; boundary=${boundary}`)
      .send(cut);
    expect(response.status).toBe(400);
    expect(response.text).toContain('incomplete or malformed');
    expect(log.errors()).toEqual([]);
  });

  it('refuses an attendance mark for an unknown or deactivated person with 400, writing nothing', async () => {
    const coach = await createUser(t.dataSource.manager, { role: 'coach' });
    const coachAgent = await signedInAgent(t.app, coach.email);
    const start = new Date(Date.now() + 86_400_000);
    const service = new WorkshopsService(
      () => testCatalog(t.config.curriculumDir).current(),
      t.config.baseUrl,
    );
    const workshop = await t.dataSource.transaction((m) =>
      service.create(m, coach, {
        title: 'Boundary practice',
        description: '',
        milestoneIds: [],
        startsAt: start,
        endsAt: new Date(start.getTime() + 3_600_000),
        timeZone: 'UTC',
        location: 'Library',
        onlineUrl: null,
        capacity: 5,
        chapterId: null,
      }),
    );
    const former = await createUser(t.dataSource.manager, { active: false });
    for (const userId of ['00000000-0000-4000-8000-000000000000', former.id]) {
      const response = await postForm(coachAgent, `/workshops/${workshop.id}/attendance`, {
        [`status:${userId}`]: 'present',
      });
      expect(response.status).toBe(400);
      expect(response.text).toContain('has no active account');
    }
    expect(await t.dataSource.manager.countBy(WorkshopAttendance, { workshopId: workshop.id })).toBe(0);
    expect(log.errors()).toEqual([]);
  });

  it('sends anonymous visitors of a very long address to sign in with a header clients can read', async () => {
    const long = `/admin/reports?role=${'%5B'.repeat(2_000)}&page=${'%3E'.repeat(2_000)}`;
    const response = await request(t.app).get(long);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/login?next=%2Fadmin%2Freports');
    expect((await request(t.app).get('/admin/reports?x=1')).headers.location).toBe(
      '/login?next=%2Fadmin%2Freports%3Fx%3D1',
    );
  });
});
