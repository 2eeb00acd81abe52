import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/accounts/user.entity';
import { createChapter, createUser } from '../helpers/factories';
import {
  checkAccessibility,
  h1Of,
  launchBrowser,
  mainOf,
  PageFactory,
  pathOf,
  resetSuiteArtifacts,
  signInAs,
  startBrowserApp,
  type RunningApp,
} from './helpers';

const MILESTONE_TITLE = /^Practice incident response/;
const TITLE = 'Incident response practice night';

describe('workshops in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let pages: PageFactory;
  let coach: User;
  let first: User;
  let second: User;
  let coachPage: Page;
  let workshopPath: string;

  beforeAll(async () => {
    resetSuiteArtifacts('workshops');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    pages = new PageFactory(browser, running.baseUrl);
    const manager = running.t.dataSource.manager;
    const chapter = await createChapter(manager, { name: 'Harbor Civic Tech', timeZone: 'America/New_York' });
    coach = await createUser(manager, {
      role: 'coach',
      displayName: 'Fay Facilitator',
      chapterId: chapter.id,
    });
    first = await createUser(manager, { displayName: 'Fred First', chapterId: chapter.id });
    second = await createUser(manager, { displayName: 'Sam Second', chapterId: chapter.id });
  });
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await running?.close();
  });
  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  const status = (page: Page, text: string) => mainOf(page).getByRole('status').filter({ hasText: text });

  async function signIn(user: User): Promise<Page> {
    const page = await pages.newPage();
    await signInAs(page, user.email);
    return page;
  }

  it('1. a coach schedules a one-seat workshop, fixing a validation error on the way', async () => {
    coachPage = await signIn(coach);
    const page = coachPage;
    await page.goto('/workshops');
    await h1Of(page, 'Workshops').waitFor();
    await checkAccessibility(page, 'list-empty');
    await mainOf(page).getByRole('link', { name: 'Schedule a workshop' }).click();
    await h1Of(page, 'New workshop').waitFor();
    await checkAccessibility(page, 'new-form');

    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByLabel('Description (Markdown)').fill('Bring **a real incident** to practise on.');
    await page.getByLabel('Starts', { exact: true }).fill('2099-03-03T18:00');
    await page.getByLabel('Ends', { exact: true }).fill('2099-03-03T17:00');
    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByLabel('Location', { exact: true }).fill('Harbor Library, room 2');
    await page.getByLabel('Seats', { exact: true }).fill('1');
    await page.getByLabel('Chapter', { exact: true }).selectOption({ label: 'Harbor Civic Tech' });
    await mainOf(page).getByLabel(MILESTONE_TITLE).check();
    await mainOf(page).getByRole('button', { name: 'Save workshop' }).click();
    await mainOf(page).getByRole('alert').waitFor();
    expect(await mainOf(page).getByRole('alert').textContent()).toContain('The end must be after the start.');
    await checkAccessibility(page, 'new-form-error');

    await page.getByLabel('Ends', { exact: true }).fill('2099-03-03T20:00');
    await mainOf(page).getByRole('button', { name: 'Save workshop' }).click();
    await status(page, 'Workshop scheduled.').waitFor();
    workshopPath = pathOf(page);
    await h1Of(page, TITLE).waitFor();
    const details = await mainOf(page).locator('dl').textContent();
    expect(details).toContain('Tue, 3 Mar 2099, 18:00–20:00 (America/New_York)');
    expect(details).toContain('0 of 1 taken');
    expect(await mainOf(page).locator('.prose strong').textContent()).toBe('a real incident');
    await checkAccessibility(page, 'workshop-created');
  });

  it('2. the first organizer takes the seat and the second joins the waitlist', async () => {
    const firstPage = await signIn(first);
    await firstPage.goto('/workshops');
    await mainOf(firstPage).getByRole('link', { name: TITLE }).click();
    await h1Of(firstPage, TITLE).waitFor();
    await mainOf(firstPage).getByRole('button', { name: 'Register' }).click();
    await status(firstPage, 'You have a seat.').waitFor();
    await checkAccessibility(firstPage, 'organizer-registered');

    const secondPage = await signIn(second);
    await secondPage.goto(workshopPath);
    await mainOf(secondPage).getByRole('button', { name: 'Join the waitlist' }).click();
    await status(secondPage, 'The workshop is full; you are on the waitlist.').waitFor();
    expect(await mainOf(secondPage).textContent()).toContain('You are on the waitlist.');
    await checkAccessibility(secondPage, 'organizer-waitlisted');

    // Giving up the seat promotes the waitlisted organizer.
    await mainOf(firstPage).getByRole('button', { name: 'Cancel my registration' }).click();
    await status(firstPage, 'Your registration was cancelled.').waitFor();
    await secondPage.reload();
    expect(await mainOf(secondPage).textContent()).toContain('You have a seat.');
    await mainOf(firstPage).getByRole('button', { name: 'Join the waitlist' }).click();
    await status(firstPage, 'you are on the waitlist').waitFor();
  });

  it('3. the facilitator marks attendance, which completes the milestone for the organizer', async () => {
    const page = coachPage;
    // Attendance is marked once the workshop is under way: let the 2099 workshop begin now.
    await running.t.dataSource.query(
      `UPDATE workshops SET starts_at = now() - interval '5 minutes', ends_at = now() + interval '115 minutes'
        WHERE id = $1`,
      [workshopPath.split('/').pop()],
    );
    await page.goto(workshopPath);
    await mainOf(page).getByRole('link', { name: 'Attendance', exact: true }).click();
    await h1Of(page, 'Attendance').waitFor();
    await checkAccessibility(page, 'attendance-sheet');
    await page.getByLabel(`Attendance for ${second.displayName}`).selectOption('present');
    await page.getByLabel(`Attendance for ${first.displayName}`).selectOption('excused');
    await mainOf(page).getByRole('button', { name: 'Save attendance' }).click();
    await status(page, 'Attendance saved (2 changes).').waitFor();
    expect(await page.getByLabel(`Attendance for ${second.displayName}`).inputValue()).toBe('present');
    await checkAccessibility(page, 'attendance-saved');

    const secondPage = await signIn(second);
    await secondPage.goto('/me');
    expect(await mainOf(secondPage).textContent()).toMatch(/1 of \d+ milestones completed/);
    await checkAccessibility(secondPage, 'organizer-progress-after-workshop');
  });
});
