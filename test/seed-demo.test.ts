import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { projectRoot } from '../src/paths';
import { connectTestDatabase, createTestDatabase, databaseUrl, dropTestDatabase } from './helpers/database';

/** Runs `npm run seed:demo` (tsx scripts/seed-demo.ts) against the given database. */
function seedDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(projectRoot, 'node_modules', '.bin', 'tsx'), ['scripts/seed-demo.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The demo's fellowship and open-doors rows, counted the way the pages read them. */
async function counts(dataSource: DataSource) {
  const [row] = await dataSource.query<Record<string, number>[]>(`SELECT
    (SELECT count(*)::int FROM circle_posts WHERE kind = 'story') AS stories,
    (SELECT count(*)::int FROM circle_posts WHERE kind = 'ask') AS asks,
    (SELECT count(*)::int FROM circle_posts p JOIN circles c ON c.id = p.circle_id
      WHERE p.kind = 'feedback' AND p.milestone_id IS NOT NULL AND c.kind = 'cohort') AS "linkedFeedback",
    (SELECT count(DISTINCT c.kind)::int FROM circle_posts p JOIN circles c ON c.id = p.circle_id) AS "circleKinds",
    (SELECT count(*)::int FROM circle_replies) AS replies,
    (SELECT count(*)::int FROM circle_posts p JOIN circle_replies r ON r.id = p.answer_reply_id
      WHERE p.kind = 'ask' AND r.author_id <> p.author_id
        AND EXISTS (SELECT 1 FROM circle_reply_helped h WHERE h.reply_id = r.id AND h.user_id <> p.author_id)) AS "answeredAndHelped",
    (SELECT count(DISTINCT p.id)::int FROM circle_posts p JOIN circle_post_me_too t ON t.post_id = p.id
      WHERE p.kind = 'ask' AND p.answer_reply_id IS NULL) AS "openAsksWithMeToo",
    (SELECT count(DISTINCT a.id)::int FROM (SELECT author_id AS id FROM circle_posts UNION SELECT author_id FROM circle_replies) a
      WHERE NOT EXISTS (SELECT 1 FROM conduct_acceptances ca WHERE ca.user_id = a.id)) AS "writersWithoutConduct",
    (SELECT count(*)::int FROM story_publications sp JOIN chapter_pages cp ON cp.chapter_id = sp.chapter_id
      WHERE sp.request_state = 'approved' AND sp.published_at IS NOT NULL AND sp.decided_by IS NOT NULL
        AND sp.requested_by <> sp.decided_by AND cp.slug = 'openoakland') AS "publishedStories",
    (SELECT count(*)::int FROM chapter_pages cp JOIN chapters ch ON ch.id = cp.chapter_id
      WHERE cp.listed AND cp.meeting_when <> '' AND ch.state_code IS NOT NULL) AS "listedPages",
    (SELECT count(*)::int FROM gatherings g WHERE g.kind = 'hack_night' AND g.starts_at > now() AND g.public
      AND (SELECT count(*) FROM gathering_rsvps r WHERE r.gathering_id = g.id AND r.answer = 'yes') >= 2) AS "upcomingHackNights",
    (SELECT count(*)::int FROM gatherings g WHERE g.ends_at < now()
      AND EXISTS (SELECT 1 FROM gathering_attendance a WHERE a.gathering_id = g.id AND a.status = 'present')) AS "pastWithAttendance",
    (SELECT count(*)::int FROM projects p WHERE p.public AND p.status = 'active'
      AND EXISTS (SELECT 1 FROM project_impacts i WHERE i.project_id = p.id AND i.people_helped > 0 AND i.unit <> '' AND i.method <> '')
      AND (SELECT count(*) FROM project_volunteers v WHERE v.project_id = p.id) >= 2
      AND EXISTS (SELECT 1 FROM project_roles r WHERE r.project_id = p.id AND r.open)) AS "projectsOnTheBoard",
    (SELECT count(*)::int FROM talent_listings t JOIN users u ON u.id = t.user_id
      WHERE u.email = 'riley.nguyen@demo.example.org') AS "rileyListed",
    (SELECT count(*)::int FROM join_requests WHERE confirmed_at IS NOT NULL AND chapter_id IS NOT NULL
      AND invite_id IS NULL AND closed_at IS NULL AND replied_at IS NULL) AS "joinRequestsWaiting",
    (SELECT count(*)::int FROM partner_requests WHERE confirmed_at IS NOT NULL AND status = 'new') AS "partnerRequestsWaiting"`);
  return row;
}

describe('npm run seed:demo', () => {
  jest.setTimeout(180_000);
  let name: string;
  let dataSource: DataSource;
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    name = await createTestDatabase();
    dataSource = await connectTestDatabase(name, 2);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'academy-demo-'));
    env = {
      DATABASE_URL: databaseUrl(name),
      DATA_DIR: dataDir,
      BASE_URL: 'http://127.0.0.1:3960',
      SESSION_SECRET: 'a-session-secret-long-enough-for-the-config-0123456789',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await dataSource.destroy();
    await dropTestDatabase(name);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills circles, chapter pages, gatherings, a project, the talent listing and requests; run again, it changes nothing', async () => {
    const first = await seedDemo(env);
    expect(first.output).toContain('Demo data created');
    expect(first.output).toContain('/circles');
    expect(first.output).toContain('/chapters/openoakland');
    expect(first.output).toContain('/opportunities');
    expect(first.output).toContain('/admin/requests');
    expect(first.code).toBe(0);

    const after = await counts(dataSource);
    expect(after).toEqual({
      stories: 5,
      asks: 3,
      linkedFeedback: 1,
      circleKinds: 3,
      replies: 7,
      answeredAndHelped: 1,
      openAsksWithMeToo: 2,
      writersWithoutConduct: 0,
      publishedStories: 1,
      listedPages: 2,
      upcomingHackNights: 2,
      pastWithAttendance: 1,
      projectsOnTheBoard: 1,
      rileyListed: 1,
      joinRequestsWaiting: 1,
      partnerRequestsWaiting: 1,
    });

    const second = await seedDemo(env);
    expect(second.output).toContain('nothing was changed');
    expect(second.code).toBe(0);
    expect(await counts(dataSource)).toEqual(after);
  });
});
