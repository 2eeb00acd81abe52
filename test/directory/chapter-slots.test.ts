import { Circle } from '../../src/circles/circle.entities';
import { Gathering } from '../../src/gatherings/gathering.entities';
import { Project } from '../../src/projects/project.entities';
import { TalentListing } from '../../src/projects/talent.entities';
import { certificateKit } from '../certificates/kit';
import { createGathering } from '../gatherings/helpers';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, postForm, signedInAgent } from '../helpers/http';
import { createProject, createRole, recordImpactAt } from '../projects/helpers';
import { chapterWithPage } from './helpers';

/** Reads the anonymous page until `ok` holds (a trigger's notice arrives a moment after commit). */
async function eventually(read: () => Promise<string>, ok: (text: string) => boolean): Promise<string> {
  let text = await read();
  for (let i = 0; i < 50 && !ok(text); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    text = await read();
  }
  return text;
}

describe('the public chapter page’s gatherings, projects and listed organizers', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;

  it('shows public ones to anonymous visitors, hides private ones, and drops changes from the cache at once', async () => {
    const { chapter, page } = await chapterWithPage(m(), { name: 'Code for Slotville' });
    const circle = await m().findOneByOrFail(Circle, { chapterId: chapter.id });
    const host = await createUser(m(), { role: 'coach', chapterId: chapter.id });
    const gathering = await createGathering(m(), circle, host.id, { title: 'Open potluck', isPublic: true });
    await createGathering(m(), circle, host.id, { title: 'Members-only potluck' });
    const project = await createProject(t.dataSource, chapter.id, { name: 'Pantry finder' });
    await createProject(t.dataSource, chapter.id, { name: 'Secret tool', public: false });
    await recordImpactAt(t.dataSource, project.id, 42, new Date());
    await createRole(t.dataSource, project.id);
    const organizer = await createUser(m(), { chapterId: chapter.id, displayName: 'Lee Listed' });
    const certificate = await kit.certify(organizer.id);
    const organizerAgent = await signedInAgent(t.app, organizer.email);
    await postForm(organizerAgent, '/account/listing', { skills: 'Facilitation', note: 'Ask me anything.' });
    const unlisted = await createUser(m(), { chapterId: chapter.id, displayName: 'Uma Unlisted' });
    await kit.certify(unlisted.id);

    t.app.enable('view cache');
    try {
      const read = async () => {
        const response = await anonymousAgent(t.app).get(`/chapters/${page.slug}`);
        expect(response.status).toBe(200);
        return response.text;
      };
      const text = await read();
      expect(text).toContain('Open potluck');
      expect(text).toContain(`href="/gatherings/${gathering.id}"`);
      expect(text).not.toContain('Members-only potluck');
      expect(text).toContain('Pantry finder');
      expect(text).toContain('Active · 42 residents helped · 1 open role');
      expect(text).toContain(`/opportunities?chapterId=${chapter.id}`);
      expect(text).not.toContain('Secret tool');
      expect(text).toContain('Lee Listed');
      expect(text).toContain(`href="/c/${certificate.code}"`);
      expect(text).toContain('Ask me anything.');
      expect(text).not.toContain('Uma Unlisted');
      expect(text).not.toContain(organizer.email);
      expect(text).toContain(`Ways to help Code for Slotville`);
      // Visitors' menu leads to the opportunities board and the listed organizers.
      expect(text).toContain('<a href="/opportunities">Opportunities</a>');
      expect(text).toContain('<a href="/people/listed">Find people</a>');

      // Changes written straight to the database (as another process would): the triggers' notices
      // drop the cached page, so the visitor sees them without waiting for the cache to expire.
      await m().delete(TalentListing, { userId: organizer.id });
      await m().update(Project, project.id, { public: false });
      await m().update(Gathering, gathering.id, { cancelledAt: new Date() });
      const after = await eventually(read, (s) => !s.includes('Lee Listed'));
      expect(after).not.toContain('Lee Listed');
      expect(after).not.toContain('Pantry finder');
      expect(after).not.toContain('Open potluck');
      expect(await m().countBy(TalentListing, { userId: organizer.id })).toBe(0);
    } finally {
      t.app.disable('view cache');
    }
  });

  it('writes a "people helped" figure over 999 with a thousands separator, as people read it', async () => {
    const { chapter, page } = await chapterWithPage(m(), { name: 'Code for Bigtown' });
    const project = await createProject(t.dataSource, chapter.id, { name: 'Rent relief finder' });
    await recordImpactAt(t.dataSource, project.id, 1240, new Date());
    const response = await anonymousAgent(t.app).get(`/chapters/${page.slug}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('Active · 1,240 residents helped');
    expect(response.text).not.toContain('1240 residents');
  });

  it('an opt-out through the form disappears from the page', async () => {
    const { chapter, page } = await chapterWithPage(m(), { name: 'Code for Optout' });
    const organizer = await createUser(m(), { chapterId: chapter.id, displayName: 'Ola Optout' });
    await kit.certify(organizer.id);
    const agent = await signedInAgent(t.app, organizer.email);
    await postForm(agent, '/account/listing', { skills: 'Data', note: '' });
    t.app.enable('view cache');
    try {
      expect((await anonymousAgent(t.app).get(`/chapters/${page.slug}`)).text).toContain('Ola Optout');
      expect((await postForm(agent, '/account/listing/remove')).status).toBe(303);
      expect((await anonymousAgent(t.app).get(`/chapters/${page.slug}`)).text).not.toContain('Ola Optout');
      expect(await m().countBy(TalentListing, { userId: organizer.id })).toBe(0);
    } finally {
      t.app.disable('view cache');
    }
  });
});
