import { publicProjectsOfChapter } from '../../src/projects';
import { startTestApp, type TestApp } from '../helpers/app';
import { anonymousAgent } from '../helpers/http';
import { chapterTeam, createProject, createRole, recordImpactAt } from './helpers';

describe('public project pages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_RATE_LIMIT_PER_MINUTE: '4', TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  it.each([
    ['/opportunities', '198.51.100.1'],
    ['/people/listed', '198.51.100.2'],
  ])('%s answers 429 past the public rate limit', async (path, ip) => {
    const agent = anonymousAgent(t.app);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await agent.get(path).set('X-Forwarded-For', ip)).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    expect((await agent.get(path).set('X-Forwarded-For', '198.51.100.200')).status).toBe(200);
  });

  it('publicProjectsOfChapter gives the chapter’s public projects with their latest figure and open roles', async () => {
    const { chapter } = await chapterTeam(t.dataSource);
    const other = await chapterTeam(t.dataSource);
    const shown = await createProject(t.dataSource, chapter.id, { name: 'Shown' });
    await createProject(t.dataSource, chapter.id, { name: 'Private', public: false });
    await createProject(t.dataSource, other.chapter.id, { name: 'Elsewhere' });
    await recordImpactAt(t.dataSource, shown.id, 10, new Date('2025-01-01T00:00:00Z'));
    await recordImpactAt(t.dataSource, shown.id, 25, new Date('2025-06-01T00:00:00Z'));
    await createRole(t.dataSource, shown.id);
    await createRole(t.dataSource, shown.id, { open: false });
    const projects = await publicProjectsOfChapter(t.dataSource.manager, chapter.id);
    expect(projects).toEqual([
      expect.objectContaining({
        id: shown.id,
        name: 'Shown',
        peopleHelped: 25,
        unit: 'residents',
        openRoles: 1,
      }),
    ]);
  });
});
