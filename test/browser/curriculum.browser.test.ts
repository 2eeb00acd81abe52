import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/accounts/user.entity';
import { ProgressService } from '../../src/curriculum/progress.service';
import { testCatalog } from '../helpers/app';
import { createUser, TEST_PASSWORD } from '../helpers/factories';
import {
  checkAccessibility,
  h1Of,
  mainOf,
  PageFactory,
  pathOf,
  launchBrowser,
  resetSuiteArtifacts,
  startBrowserApp,
  type RunningApp,
} from './helpers';

const TRACK = { id: 'civic-tech-host', title: 'Civic Tech Host' };
const FIRST = { id: 'people-first', title: 'People first' };
const SECOND = { id: 'welcoming-newcomers', title: 'Welcoming newcomers and onboarding' };
/** A phrase from growing-leaders.md ("## The ladder of engagement"). */
const PHRASE = 'ladder of engagement';
const MILESTONE = { id: 'people-first-listening-tour', title: 'Run a listening tour' };

describe('curriculum in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let totalMilestones: number;
  let moduleCount: number;
  /** Console errors and uncaught exceptions, one list per page; every test ends with none. */
  let pages: PageFactory;

  beforeAll(async () => {
    resetSuiteArtifacts('curriculum');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    pages = new PageFactory(browser, running.baseUrl);
    const track = testCatalog(running.t.config.curriculumDir).current().trackById.get(TRACK.id)!;
    moduleCount = track.modules.length;
    totalMilestones = track.modules.reduce((sum, module) => sum + module.milestones.length, 0);
  });
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await running?.close();
  });
  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  const newPage = () => pages.newPage();

  const main = mainOf;
  const h1 = h1Of;
  const milestoneItem = (page: Page, title: string) =>
    main(page)
      .locator('.milestone')
      .filter({ has: page.getByRole('heading', { name: title }) });

  async function signIn(page: Page, user: User, screenshotName?: string): Promise<void> {
    await page.goto('/login');
    if (screenshotName) await checkAccessibility(page, screenshotName);
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).waitFor();
  }

  it('anonymous: home lists the tracks; track, module (TOC, prerequisites, next, milestones) and search', async () => {
    const page = await newPage();

    // Home: both tracks, each linking to its page.
    await page.goto('/');
    const tracks = main(page).getByRole('region', { name: 'Tracks' });
    const trackLinks = tracks.getByRole('heading', { level: 3 }).getByRole('link');
    expect(await trackLinks.allTextContents()).toEqual(expect.arrayContaining([TRACK.title, 'Coach']));
    expect(await trackLinks.count()).toBe(4);
    await checkAccessibility(page, 'home-anonymous');

    // Track page: modules in order, no progress for an anonymous reader.
    await tracks.getByRole('link', { name: TRACK.title, exact: true }).click();
    await page.waitForURL(`**/tracks/${TRACK.id}`);
    await h1(page, TRACK.title).waitFor();
    const moduleLinks = main(page).locator('.module-list > li h3 a');
    expect(await moduleLinks.first().textContent()).toBe(FIRST.title);
    expect(await main(page).getByRole('progressbar').count()).toBe(0);
    expect(await main(page).textContent()).not.toContain('Your next step');
    await checkAccessibility(page, 'track-anonymous');

    // First module: TOC links jump to their headings.
    await moduleLinks.first().click();
    await page.waitForURL(`**/tracks/${TRACK.id}/${FIRST.id}`);
    await h1(page, FIRST.title).waitFor();
    expect(await main(page).getByRole('navigation', { name: 'Breadcrumb' }).textContent()).toContain(
      `Module 1 of ${moduleCount}`,
    );
    const toc = main(page).getByRole('navigation', { name: 'On this page' });
    const tocLinks = toc.getByRole('link');
    expect(await tocLinks.count()).toBeGreaterThan(3);
    // Every TOC entry points at the h2/h3 of the same text on the page (Milestones comes last).
    const targets = await page.evaluate<{ link: string; heading: string | null; text: string | null }[]>(
      `[...document.querySelectorAll('nav.toc a')].map((link) => {
        const heading = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        return { link: link.textContent, heading: heading && heading.tagName, text: heading && heading.textContent };
      })`,
    );
    expect(targets).toHaveLength(await tocLinks.count());
    for (const target of targets) {
      expect(target.heading).toMatch(/^H[23]$/);
      expect(target.text).toBe(target.link);
    }
    expect(targets.at(-1)).toEqual({ link: 'Milestones', heading: 'H2', text: 'Milestones' });
    await checkAccessibility(page, 'module-anonymous');

    await toc.getByRole('link', { name: 'Why people come back' }).click();
    await page.waitForURL((url) => url.hash === '#why-people-come-back');
    const target = main(page).locator('h2#why-people-come-back');
    expect(await target.textContent()).toBe('Why people come back');
    // The browser scrolled to it: the heading is at the top of the viewport.
    const box = await target.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(200);

    // Milestones: the TOC's last entry, and each one listed with what to submit.
    await toc.getByRole('link', { name: 'Milestones' }).click();
    await page.waitForURL((url) => url.hash === '#milestones');
    const milestones = main(page).getByRole('region', { name: 'Milestones' });
    expect(await milestones.getByRole('listitem').count()).toBe(3);
    expect(await milestones.getByRole('heading', { level: 3 }).allTextContents()).toEqual([
      MILESTONE.title,
      'Make personal asks',
      'Map what your core team wants',
    ]);
    expect(await milestones.textContent()).toContain('What to submit:');
    // Anonymous readers have no reading state and no "Mark as read".
    expect(await milestones.textContent()).not.toContain('Not completed yet');
    expect(await main(page).getByRole('button', { name: 'Mark as read' }).count()).toBe(0);

    // No previous module for the first one; "next" leads to the second, whose prerequisite leads back.
    const pager = main(page).getByRole('navigation', { name: 'Modules' });
    expect(await pager.locator('a[rel=prev]').count()).toBe(0);
    await pager.getByRole('link', { name: `${SECOND.title} →` }).click();
    await page.waitForURL(`**/tracks/${TRACK.id}/${SECOND.id}`);
    await h1(page, SECOND.title).waitFor();
    const prerequisites = main(page).locator('.prerequisites');
    expect(await prerequisites.textContent()).toContain('Before this module, read:');
    await checkAccessibility(page, 'module-second-anonymous');

    await prerequisites.getByRole('link', { name: FIRST.title }).click();
    await page.waitForURL(`**/tracks/${TRACK.id}/${FIRST.id}`);
    await h1(page, FIRST.title).waitFor();
    await main(page)
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: TRACK.title })
      .click();
    await page.waitForURL(`**/tracks/${TRACK.id}`);

    // Search from the home page: highlighted snippets, results linking to modules.
    await page.goto('/');
    await page.getByRole('search').getByLabel('Search the curriculum').fill(`"${PHRASE}"`);
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.pathname === '/search' && url.searchParams.get('q') === `"${PHRASE}"`);
    await h1(page, 'Search the curriculum').waitFor();
    expect(await page.getByLabel('Words or a "quoted phrase"').inputValue()).toBe(`"${PHRASE}"`);
    expect(await main(page).getByRole('status').textContent()).toMatch(/^\d+ modules? match/);
    const results = main(page).locator('.search-results > li');
    expect(await results.count()).toBeGreaterThan(0);
    const marks = await main(page).locator('.search-results mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    // Stemmed matches of the phrase's words ("ladder", "engagement"), nothing else.
    for (const mark of marks) expect(mark.toLowerCase()).toMatch(/^(ladder|engag)/);
    const resultLinks = results.getByRole('heading', { level: 2 }).getByRole('link');
    for (const link of await resultLinks.all()) {
      expect(await link.getAttribute('href')).toMatch(/^\/tracks\/[a-z0-9-]+\/[a-z0-9-]+$/);
    }
    const growing = resultLinks.filter({ hasText: 'Mentoring and growing new leaders' });
    expect(await growing.count()).toBe(1);
    await checkAccessibility(page, 'search-results');

    await growing.click();
    await page.waitForURL(`**/tracks/civic-tech-chapter-lead/growing-leaders`);
    await h1(page, 'Mentoring and growing new leaders').waitFor();
    expect(await page.locator('#the-ladder-of-engagement').textContent()).toBe('The ladder of engagement');
    await checkAccessibility(page, 'search-result-module');

    await page.close();
  });

  it('signed-in organizer: progress, next step, mark as read, a completed milestone', async () => {
    const { t } = running;
    const user = await createUser(t.dataSource.manager, { role: 'organizer' });
    const page = await newPage();
    await signIn(page, user, 'login');
    await checkAccessibility(page, 'home-organizer');

    // Track page: a progress bar at zero and the next step.
    await page.goto(`/tracks/${TRACK.id}`);
    const progress = main(page).getByRole('region', { name: 'Your progress' });
    expect(await progress.textContent()).toContain(`0 of ${totalMilestones} milestones completed`);
    const bar = progress.getByRole('progressbar', { name: `0 of ${totalMilestones} milestones completed` });
    expect(await bar.getAttribute('value')).toBe('0');
    expect(await bar.getAttribute('max')).toBe(String(totalMilestones));
    expect(await progress.textContent()).toMatch(/Your next step:\s*Read “People first”/);
    await checkAccessibility(page, 'track-organizer-start');

    // The next step opens the first module, which offers "Mark as read".
    await progress.getByRole('link', { name: `Read “${FIRST.title}”` }).click();
    await page.waitForURL(`**/tracks/${TRACK.id}/${FIRST.id}`);
    const milestones = main(page).getByRole('region', { name: 'Milestones' });
    expect(await milestones.locator('.state-tag').allTextContents()).toEqual(
      Array(3).fill('Not completed yet'),
    );
    await checkAccessibility(page, 'module-organizer-unread');

    const before = new Date().toISOString().slice(0, 10);
    await main(page).getByRole('button', { name: 'Mark as read' }).click();
    await main(page)
      .getByRole('status')
      .filter({ hasText: `Marked “${FIRST.title}” as read.` })
      .waitFor();
    expect(pathOf(page)).toBe(`/tracks/${TRACK.id}/${FIRST.id}`);
    const after = new Date().toISOString().slice(0, 10);
    const readText = (await main(page).locator('.read-state').textContent())!.trim();
    const readOn = /^You marked this module as read on (\d{4}-\d{2}-\d{2})\.$/.exec(readText)?.[1];
    expect([before, after]).toContain(readOn);
    expect(await main(page).getByRole('button', { name: 'Mark as read' }).count()).toBe(0);
    await checkAccessibility(page, 'module-organizer-read');

    // A coach signs a milestone off (server-side), and both pages show it.
    const progressService = new ProgressService(() => testCatalog(t.config.curriculumDir).current());
    expect(
      await progressService.milestoneCompleted(t.dataSource.manager, {
        userId: user.id,
        milestoneId: MILESTONE.id,
        source: 'coach',
      }),
    ).toBe(true);

    await page.reload();
    const done = milestoneItem(page, MILESTONE.title);
    expect(await done.getAttribute('class')).toContain('milestone-done');
    expect(await done.locator('.state-tag').textContent()).toBe('Completed');
    expect(await milestoneItem(page, 'Make personal asks').locator('.state-tag').textContent()).toBe(
      'Not completed yet',
    );
    // The flash was shown once; the read date stays.
    expect(await main(page).getByRole('status').count()).toBe(0);
    expect(await main(page).locator('.read-state').textContent()).toContain(`read on ${readOn}`);
    await checkAccessibility(page, 'module-organizer-milestone-done');

    await main(page)
      .getByRole('navigation', { name: 'Breadcrumb' })
      .getByRole('link', { name: TRACK.title })
      .click();
    await page.waitForURL(`**/tracks/${TRACK.id}`);
    expect(await progress.textContent()).toContain(`1 of ${totalMilestones} milestones completed`);
    expect(await progress.getByRole('progressbar').getAttribute('value')).toBe('1');
    const nextStep = progress.getByRole('link', {
      name: `Complete “Make personal asks” in “${FIRST.title}”`,
    });
    expect(await nextStep.getAttribute('href')).toBe(`/tracks/${TRACK.id}/${FIRST.id}#milestones`);
    const firstModule = main(page).locator('.module-list > li').first();
    expect(await firstModule.textContent()).toMatch(/In progress\s*\(1 of 3 done\)/);
    await checkAccessibility(page, 'track-organizer-one-done');

    await page.close();
  });

  it('print: a module prints its content without header, navigation or the mark-as-read form', async () => {
    const user = await createUser(running.t.dataSource.manager, { role: 'organizer' });
    const page = await newPage();
    await signIn(page, user);
    await page.goto(`/tracks/${TRACK.id}/${FIRST.id}`);
    const readForm = main(page)
      .locator('form')
      .filter({ has: page.getByRole('button', { name: 'Mark as read' }) });
    const article = main(page).locator('article.prose');
    expect(await readForm.isVisible()).toBe(true);
    expect(await page.getByRole('banner').isVisible()).toBe(true);

    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.evaluate("matchMedia('print').matches")).toBe(true);
      expect(await page.getByRole('banner').isVisible()).toBe(false);
      expect(await page.locator('nav[aria-label="Main"]').isVisible()).toBe(false);
      expect(await page.locator('nav[aria-label="Breadcrumb"]').isVisible()).toBe(false);
      expect(await page.locator('nav.toc').isVisible()).toBe(false);
      expect(await page.locator('nav[aria-label="Modules"]').isVisible()).toBe(false);
      expect(await page.locator('footer').isVisible()).toBe(false);
      expect(await readForm.isVisible()).toBe(false);
      expect(await article.isVisible()).toBe(true);
      expect(await h1(page, FIRST.title).isVisible()).toBe(true);
      expect(await main(page).getByRole('region', { name: 'Milestones' }).isVisible()).toBe(true);
      // Black on white for paper.
      expect(await page.evaluate("getComputedStyle(document.querySelector('article.prose')).color")).toBe(
        'rgb(0, 0, 0)',
      );
      await checkAccessibility(page, 'module-print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    await page.close();
  });
});
