import type { User } from '../../src/accounts/user.entity';
import { Certificate } from '../../src/certificates/certificate.entities';
import { LEARNER_MEASURES } from '../../src/admin/learner-measures';
import { ALL_SIDES_MEASURES } from '../../src/projects/all-sides';
import { PROJECT_MEASURES } from '../../src/projects/measures';
import { ProjectVolunteer } from '../../src/projects/project.entities';
import { certificateKit } from '../certificates/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';
import { chapterTeam, createProject, recordImpactAt } from '../projects/helpers';

const at = (day: string) => new Date(`${day}T12:00:00Z`);
const day = (d: string) => new Date(`${d}T00:00:00Z`);
const MONTHS = [
  { label: '2025-01', start: day('2025-01-01'), end: day('2025-02-01') },
  { label: '2025-02', start: day('2025-02-01'), end: day('2025-03-01') },
  { label: '2025-03', start: day('2025-03-01'), end: day('2025-04-01') },
];

/** The CSV as rows of header → cell. */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  const keys = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [keys[i], cell])));
}

describe('from all sides report', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  const db = () => t.dataSource.manager;

  /** The figures recomputed the plain way, from every row, for one chapter and month. */
  async function recompute(chapterId: string, start: Date, end: Date): Promise<Record<string, number>> {
    const q = <T>(sql: string, params: unknown[] = []) => t.dataSource.query<T[]>(sql, params);
    const projects = await q<{ id: string; lead_id: string | null; created_at: Date }>(
      `SELECT id, lead_id, created_at FROM projects WHERE chapter_id = $1`,
      [chapterId],
    );
    const impacts = await q<{ project_id: string; people_helped: number; recorded_at: Date }>(
      `SELECT * FROM project_impacts`,
    );
    let helped = 0;
    for (const p of projects) {
      const before = impacts.filter((i) => i.project_id === p.id && i.recorded_at < end);
      before.sort((a, b) => b.recorded_at.getTime() - a.recorded_at.getTime());
      helped += before[0]?.people_helped ?? 0;
    }
    const volunteers = await q<{ project_id: string; user_id: string; added_at: Date }>(
      `SELECT * FROM project_volunteers`,
    );
    const team = new Set<string>();
    for (const p of projects) {
      for (const v of volunteers) if (v.project_id === p.id && v.added_at < end) team.add(v.user_id);
      if (p.lead_id && p.created_at < end) team.add(p.lead_id);
    }
    const members = new Set(
      (await q<{ id: string }>(`SELECT id FROM users WHERE chapter_id = $1`, [chapterId])).map((u) => u.id),
    );
    const completions = await q<{ user_id: string; completed_at: Date }>(
      `SELECT user_id, completed_at FROM milestone_completions`,
    );
    const learners = new Set(
      completions
        .filter((c) => members.has(c.user_id) && c.completed_at >= start && c.completed_at < end)
        .map((c) => c.user_id),
    );
    const certificates = await q<{ user_id: string; awarded_at: Date; superseded_at: Date | null }>(
      `SELECT user_id, awarded_at, superseded_at FROM certificates`,
    );
    const awarded = certificates.filter(
      (c) => members.has(c.user_id) && !c.superseded_at && c.awarded_at >= start && c.awarded_at < end,
    ).length;
    return {
      people_helped: helped,
      people_on_projects: team.size,
      active_learners: learners.size,
      certificates_awarded: awarded,
    };
  }

  async function learnerIn(chapterId: string, completedOn: string): Promise<User> {
    const person = await createUser(db(), { chapterId });
    await t.dataSource.query(
      `INSERT INTO milestone_completions (user_id, milestone_id, module_id, track_id, source, completed_at)
       VALUES ($1, 'people-first-listening-tour', 'people-first', 'civic-tech-organizer', 'admin', $2)`,
      [person.id, at(completedOn)],
    );
    return person;
  }

  it('shows each chapter’s figures per month, equal to a plain recomputation, on the page and in the CSV', async () => {
    const a = await chapterTeam(t.dataSource);
    const b = await chapterTeam(t.dataSource);
    const p1 = await createProject(t.dataSource, a.chapter.id, { leadId: a.lead.id });
    const p2 = await createProject(t.dataSource, a.chapter.id);
    const p3 = await createProject(t.dataSource, b.chapter.id, { leadId: b.lead.id });
    await t.dataSource.query(`UPDATE projects SET created_at = $1 WHERE id = ANY($2)`, [
      at('2025-01-02'),
      [p1.id, p2.id],
    ]);
    await t.dataSource.query(`UPDATE projects SET created_at = $1 WHERE id = $2`, [at('2025-02-25'), p3.id]);
    await recordImpactAt(t.dataSource, p1.id, 100, at('2025-01-15'));
    await recordImpactAt(t.dataSource, p1.id, 150, at('2025-02-20'));
    await recordImpactAt(t.dataSource, p2.id, 30, at('2025-02-10'));
    await recordImpactAt(t.dataSource, p3.id, 7, at('2025-03-05'));
    await recordImpactAt(t.dataSource, p3.id, 9, at('2025-04-05'));
    await db().insert(ProjectVolunteer, [
      { projectId: p1.id, userId: a.member.id, addedAt: at('2025-01-20') },
      { projectId: p2.id, userId: a.member.id, addedAt: at('2025-02-02') },
      { projectId: p2.id, userId: a.lead.id, addedAt: at('2025-03-02') },
      { projectId: p3.id, userId: b.member.id, addedAt: at('2025-03-10') },
    ]);
    await learnerIn(a.chapter.id, '2025-01-05');
    await learnerIn(a.chapter.id, '2025-02-05');
    await learnerIn(b.chapter.id, '2025-03-30');
    const kit = certificateKit(t);
    const holder = await createUser(db(), { chapterId: b.chapter.id });
    const certificate = await kit.certify(holder.id);
    await db().update(Certificate, certificate.id, { awardedAt: at('2025-02-14') });
    await t.dataSource.query(`UPDATE milestone_completions SET completed_at = $1 WHERE user_id = $2`, [
      at('2024-06-01'),
      holder.id,
    ]);

    const academyAdmin = await createUser(db(), { role: 'admin' });
    const agent = await signedInAgent(t.app, academyAdmin.email);
    const query = 'period=month&from=2025-01-01&to=2025-03-31';
    const csv = await agent.get(`/admin/reports/all-sides.csv?${query}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parseCsv(csv.text);
    const keys = ALL_SIDES_MEASURES.map((m) => m.key);
    expect(Object.keys(rows[0])).toEqual(['chapter', 'period', 'period_start', 'period_end', ...keys]);
    // The projects' and learners' figures are recomputed here; circles', gatherings' and the doors'
    // figures have their own recomputation tests next to their features.
    const recomputed = [...PROJECT_MEASURES, ...LEARNER_MEASURES].map((m) => m.key);
    for (const chapter of [a.chapter, b.chapter])
      for (const month of MONTHS) {
        const row = rows.find((r) => r.chapter === chapter.name && r.period === month.label);
        expect(row).toBeDefined();
        const expected = await recompute(chapter.id, month.start, month.end);
        expect(Object.fromEntries(recomputed.map((k) => [k, Number(row![k])]))).toEqual(expected);
      }
    // Spelled out once, so the recomputation itself is checked too.
    const aFeb = rows.find((r) => r.chapter === a.chapter.name && r.period === '2025-02')!;
    expect(aFeb).toMatchObject({ people_helped: '180', people_on_projects: '2', active_learners: '1' });
    const bFeb = rows.find((r) => r.chapter === b.chapter.name && r.period === '2025-02')!;
    expect(bFeb).toMatchObject({ people_helped: '0', people_on_projects: '1', certificates_awarded: '1' });

    const page = await agent.get(`/admin/reports/all-sides?${query}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(a.chapter.name);
    expect(page.text).toMatch(/<th scope="row">2025-02<\/th><td>180<\/td><td>2<\/td>/);
  });

  it('a project’s new "people helped" figure appears in the report; a chapter admin sees only their chapter', async () => {
    const team = await chapterTeam(t.dataSource);
    const other = await chapterTeam(t.dataSource);
    const project = await createProject(t.dataSource, team.chapter.id, { leadId: team.lead.id });
    const lead = await signedInAgent(t.app, team.lead.email);
    const recorded = await postForm(lead, `/projects/${project.id}/impact`, {
      peopleHelped: '4321',
      unit: 'residents',
      method: 'Accounts created',
    });
    expect(recorded.status).toBe(303);
    const admin = await signedInAgent(t.app, team.admin.email);
    const rows = parseCsv(
      (await admin.get(`/admin/reports/all-sides.csv?chapterId=${other.chapter.id}`)).text,
    );
    expect(new Set(rows.map((r) => r.chapter))).toEqual(new Set([team.chapter.name]));
    expect(rows.at(-1)!.people_helped).toBe('4321');
    const page = await admin.get('/admin/reports/all-sides');
    // The page writes it for people (4,321); the CSV above keeps the raw number.
    expect(page.text).toContain('<td>4,321</td>');
    expect(page.text).not.toContain('<td>4321</td>');
    expect(page.text).not.toContain(other.chapter.name);
    const organizer = await signedInAgent(t.app, team.member.email);
    expect((await organizer.get('/admin/reports/all-sides')).status).toBe(403);
    expect((await organizer.get('/admin/reports/all-sides.csv')).status).toBe(403);
  });

  it('keeps to a bounded number of periods and answers bad filters with the defaults', async () => {
    const admin = await signedInAgent(t.app, (await createUser(db(), { role: 'admin' })).email);
    const long = await admin.get('/admin/reports/all-sides?period=month&from=2020-01-01&to=2025-12-31');
    expect(long.status).toBe(200);
    expect(long.text).toContain('at most 24 months');
    const bad = await admin.get('/admin/reports/all-sides?period=week&from=nonsense&chapterId=x');
    expect(bad.status).toBe(200);
  });
});
