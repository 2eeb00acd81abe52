import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/accounts/user.entity';
import { CoachAssignment } from '../../src/coaching/coaching.entities';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { trackRequirements } from '../../src/curriculum/requirements';
import { testCatalog } from '../helpers/app';
import { createUser } from '../helpers/factories';
import {
  checkAccessibility,
  h1Of,
  launchBrowser,
  mainOf,
  PageFactory,
  resetSuiteArtifacts,
  signInAs,
  startBrowserApp,
  type RunningApp,
} from './helpers';

const HOST = { id: 'civic-tech-host', title: 'Civic Tech Host' };
const ORGANIZER = { id: 'civic-tech-organizer', title: 'Civic Tech Organizer' };

/**
 * The first tier end to end: the organizer submits the last Host milestone, the coach approves it,
 * the Host certificate appears, and the Organizer tier's track page opens.
 */
describe('stackable certificates in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let pages: PageFactory;
  let organizer: User;
  let coach: User;
  let last: { id: string; title: string };

  beforeAll(async () => {
    resetSuiteArtifacts('tiers');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    pages = new PageFactory(browser, running.baseUrl);
    const manager = running.t.dataSource.manager;
    const admin = await createUser(manager, { role: 'admin', displayName: 'Ada Admin' });
    coach = await createUser(manager, { role: 'coach', displayName: 'Grace Coach' });
    organizer = await createUser(manager, { role: 'organizer', displayName: 'Hal Host' });
    await manager.insert(CoachAssignment, {
      organizerId: organizer.id,
      coachId: coach.id,
      assignedById: admin.id,
    });
    // Every Host requirement but the last was signed off earlier.
    const host = testCatalog(running.t.config.curriculumDir).current().trackById.get(HOST.id)!;
    const requirements = trackRequirements(host);
    await manager.insert(
      MilestoneCompletion,
      requirements.slice(0, -1).map((r) => ({
        userId: organizer.id,
        milestoneId: r.milestone.id,
        moduleId: r.module.id,
        trackId: HOST.id,
        source: 'admin' as const,
      })),
    );
    last = requirements.at(-1)!.milestone;
  });
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await running?.close();
  });
  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  async function signIn(user: User): Promise<Page> {
    const page = await pages.newPage();
    await signInAs(page, user.email);
    return page;
  }

  it('1. the second tier says what it needs and is not open yet', async () => {
    const page = await signIn(organizer);
    await page.goto(`/tracks/${ORGANIZER.id}`);
    await h1Of(page, ORGANIZER.title).waitFor();
    const tier = mainOf(page).getByRole('region', { name: 'Before you start' });
    expect(await tier.textContent()).toContain('Not open to you yet');
    expect(await tier.getByRole('link', { name: HOST.title }).first().getAttribute('href')).toBe(
      `/tracks/${HOST.id}`,
    );
    expect(await tier.textContent()).toMatch(/Time to earn it:\s*About four to eight months/);
    await checkAccessibility(page, 'tier-locked');
    await page.close();
  });

  it('2. the organizer submits the last Host milestone', async () => {
    const page = await signIn(organizer);
    await page.goto(`/me/milestones/${last.id}`);
    await h1Of(page, last.title).waitFor();
    await page
      .getByLabel('Your evidence')
      .fill('We turned down a request for a **surveillance dashboard** and said why.');
    await mainOf(page).getByRole('button', { name: 'Send to my coach' }).click();
    await mainOf(page)
      .getByRole('status')
      .filter({ hasText: 'Your evidence was sent to your coach.' })
      .waitFor();
    await page.close();
  });

  it('3. the coach approves it', async () => {
    const page = await signIn(coach);
    await page.goto('/coach');
    const queue = mainOf(page).getByRole('table', { name: 'Evidence waiting for review, oldest first' });
    await queue.getByRole('link', { name: last.title }).click();
    await page.waitForURL('**/coach/submissions/*');
    await page.getByLabel(/^Feedback/).fill('Clear reasons, kindly said. Signed off.');
    await mainOf(page).getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.pathname === '/coach');
    await mainOf(page)
      .getByRole('status')
      .filter({ hasText: 'Approved: the milestone is signed off.' })
      .waitFor();
    await page.close();
  });

  it('4. the Host certificate appears, and the Organizer tier opens', async () => {
    const page = await signIn(organizer);
    await page.goto('/me/certificates');
    await h1Of(page, 'Your certificates').waitFor();
    const card = mainOf(page).locator('.card').filter({ hasText: HOST.title });
    expect(await card.textContent()).toContain('Status: Valid');
    await checkAccessibility(page, 'tier-certificate');

    await page.goto(`/tracks/${ORGANIZER.id}`);
    const tier = mainOf(page).getByRole('region', { name: 'Before you start' });
    expect(await tier.textContent()).toContain('Open to you');
    expect(await tier.textContent()).not.toContain('Not open to you yet');
    await checkAccessibility(page, 'tier-open');
    await page.close();
  });
});
