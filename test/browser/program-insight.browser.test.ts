import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/accounts/user.entity';
import { certificateKit } from '../certificates/kit';
import { createChapter, createUser } from '../helpers/factories';
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

describe('program insight in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let pages: PageFactory;
  let admin: User;
  let page: Page;

  beforeAll(async () => {
    resetSuiteArtifacts('program-insight');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    pages = new PageFactory(browser, running.baseUrl);
    const manager = running.t.dataSource.manager;
    const chapter = await createChapter(manager, { name: 'Harbor Civic Tech' });
    admin = await createUser(manager, { role: 'admin', displayName: 'Ada Admin' });
    await createUser(manager, { role: 'coach', displayName: 'Cora Coach', chapterId: chapter.id });
    const kit = certificateKit(running.t);
    for (const name of ['Olu Organizer', 'Pat Participant']) {
      const organizer = await createUser(manager, {
        displayName: name,
        chapterId: chapter.id,
        lastLoginAt: new Date(),
      });
      await kit.completeAllButLast(organizer.id);
    }
    const certified = await createUser(manager, { displayName: 'Cam Certified', chapterId: chapter.id });
    await kit.certify(certified.id);
  });
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await running?.close();
  });
  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  it('1. the dashboard shows accessible charts with their numbers, filtered through the URL', async () => {
    page = await pages.newPage();
    await signInAs(page, admin.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await h1Of(page, 'Reports').waitFor();
    const funnelChart = mainOf(page).getByRole('img', { name: 'Funnel' });
    await funnelChart.waitFor();
    const funnelTable = mainOf(page).getByRole('table', { name: /^Funnel, with the conversion/ });
    expect(await funnelTable.getByRole('row', { name: /Invited/ }).textContent()).toContain('3');
    expect(await funnelTable.getByRole('row', { name: /Certified/ }).textContent()).toMatch(/1\s*\d+%/);
    await mainOf(page).getByRole('img', { name: 'Milestones completed per week' }).waitFor();
    await checkAccessibility(page, 'reports');

    await page.getByLabel('Chapter', { exact: true }).selectOption({ label: 'Harbor Civic Tech' });
    await mainOf(page).getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/chapterId=/);
    expect(new URL(page.url()).searchParams.get('from')).toBeTruthy();
    await checkAccessibility(page, 'reports-filtered');
  });

  it('2. cohorts, exports, bulk invite and the audit log pages pass axe', async () => {
    await page.goto('/admin/cohorts');
    await page.getByLabel('Cohort name').fill('Spring 2027');
    await mainOf(page).getByRole('button', { name: 'Add cohort' }).click();
    await mainOf(page).getByRole('status').filter({ hasText: 'Cohort “Spring 2027” added.' }).waitFor();
    await checkAccessibility(page, 'cohorts');

    await page.goto('/admin/exports');
    await h1Of(page, 'Exports').waitFor();
    await checkAccessibility(page, 'exports');

    await page.goto('/admin/import');
    await page
      .getByLabel('Or paste the CSV')
      .fill('email,name,cohort\nnew.person@example.org,New Person,Spring 2027\nbroken,,\n');
    await mainOf(page).getByRole('button', { name: 'Check the file (dry run)' }).click();
    await mainOf(page).getByRole('heading', { name: 'Dry run: nothing has been written yet' }).waitFor();
    await checkAccessibility(page, 'import-dry-run');
    await mainOf(page).getByRole('button', { name: 'Invite 1 person' }).click();
    await page.waitForURL('**/admin/invites');
    expect(await mainOf(page).textContent()).toContain('new.person@example.org');

    await page.goto('/admin/audit?action=import.');
    await h1Of(page, 'Audit log').waitFor();
    expect(await mainOf(page).textContent()).toContain('import.invites');
    await checkAccessibility(page, 'audit-log');
  });
});
