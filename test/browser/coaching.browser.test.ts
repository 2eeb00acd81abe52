import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/accounts/user.entity';
import { testCatalog } from '../helpers/app';
import { createChapter, createUser, TEST_PASSWORD } from '../helpers/factories';
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
const MODULE = { id: 'people-first', title: 'People first' };
const MILESTONE = { id: 'people-first-listening-tour', title: 'Run a listening tour' };
const MILESTONE_URL = `/me/milestones/${MILESTONE.id}`;
const MODULE_URL = `/tracks/${TRACK.id}/${MODULE.id}`;

const EVIDENCE = [
  'I met **twelve members** over two weeks and asked what brought them in.',
  '',
  'My notes are in [the shared doc](https://example.org/listening-notes).',
].join('\n');
const EVIDENCE_LINK = 'https://example.org/listening-summary';
const FEEDBACK = 'Good start. Add **what you will change** because of what you heard.';
const EVIDENCE_V2 = `${EVIDENCE}\n\nBecause of it we now start every meetup with **ten minutes of introductions**.`;
const NEXT_STEP = 'Ask two regulars to co-host the next meetup';

describe('coaching in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let totalMilestones: number;
  let admin: User;
  let coach: User;
  let otherCoach: User;
  let organizer: User;
  let adminPage: Page;
  let organizerPage: Page;
  let coachPage: Page;
  /** Console errors and uncaught exceptions, one list per page; every test ends with none. */
  let pages: PageFactory;

  beforeAll(async () => {
    resetSuiteArtifacts('coaching');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    pages = new PageFactory(browser, running.baseUrl);
    const track = testCatalog(running.t.config.curriculumDir).current().trackById.get(TRACK.id)!;
    totalMilestones = track.modules.reduce((sum, module) => sum + module.milestones.length, 0);

    const manager = running.t.dataSource.manager;
    const chapter = await createChapter(manager, { name: 'Riverside Civic Tech' });
    admin = await createUser(manager, { role: 'admin', displayName: 'Ada Admin' });
    // Two coaches: the one in the organizer's chapter is ranked first.
    otherCoach = await createUser(manager, { role: 'coach', displayName: 'Otto Othercoach' });
    coach = await createUser(manager, { role: 'coach', displayName: 'Grace Coach', chapterId: chapter.id });
    organizer = await createUser(manager, {
      role: 'organizer',
      displayName: 'Olu Organizer',
      chapterId: chapter.id,
    });
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
  const status = (page: Page, text: string) => main(page).getByRole('status').filter({ hasText: text });
  const section = (page: Page, name: string) => main(page).getByRole('region', { name });
  const milestoneItem = (page: Page, title: string) =>
    main(page)
      .locator('.milestone')
      .filter({ has: page.getByRole('heading', { name: title }) });
  const threadItems = (page: Page) => main(page).locator('.thread > .thread-item');

  async function signIn(page: Page, user: User, screenshotName: string): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Email address').fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('banner').textContent()).toContain(user.displayName);
    await checkAccessibility(page, screenshotName);
  }

  /** The organizer's milestone page, with the thread and (when allowed) the evidence form. */
  async function openMilestoneFromModule(page: Page): Promise<void> {
    await page.goto(MODULE_URL);
    await main(page)
      .getByRole('link', { name: `Your evidence for “${MILESTONE.title}”`, exact: true })
      .click();
    await page.waitForURL(`**${MILESTONE_URL}`);
    await h1(page, MILESTONE.title).waitFor();
  }

  it('1. the admin assigns the best-ranked coach to the organizer', async () => {
    adminPage = await newPage();
    const page = adminPage;
    await signIn(page, admin, 'admin-signed-in');

    await page.goto(`/admin/people/${organizer.id}/coach`);
    await h1(page, `Coach for ${organizer.displayName}`).waitFor();
    expect(await main(page).textContent()).toContain('No coach assigned.');
    const choices = main(page).getByRole('group', { name: /^Coaches, best match first/ });
    expect(await choices.locator('legend').textContent()).toBe(
      'Coaches, best match first (same chapter, then free places, then fewest reviews waiting)',
    );
    // Ranked: the same-chapter coach first, preselected, each with why it is ranked there.
    const radios = choices.getByRole('radio');
    expect(await radios.count()).toBe(2);
    const options = choices.locator('.radio');
    expect(await options.nth(0).textContent()).toContain(`${coach.displayName} (Riverside Civic Tech)`);
    expect(await options.nth(1).textContent()).toContain(otherCoach.displayName);
    const explanations = await choices.locator('.radio .muted').allTextContents();
    expect(explanations).toEqual([
      'same chapter · 8 of 8 places free · 0 reviews waiting',
      'other chapter · 8 of 8 places free · 0 reviews waiting',
    ]);
    const best = choices.getByRole('radio', { name: new RegExp(`^${coach.displayName}`) });
    expect(await best.isChecked()).toBe(true);
    // Screen readers hear the explanation with the radio it belongs to.
    expect(await best.getAttribute('aria-describedby')).toBeTruthy();
    await checkAccessibility(page, 'admin-assign-ranked');

    // Pick the other one first (the click works on the label), then the best match.
    await choices.getByText(otherCoach.displayName).click();
    expect(await best.isChecked()).toBe(false);
    await best.check();
    await main(page).getByRole('button', { name: 'Assign coach' }).click();
    await status(page, 'Coach assigned. Both of them were notified.').waitFor();
    expect(pathOf(page)).toBe(`/admin/people/${organizer.id}/coach`);
    expect(await main(page).textContent()).toMatch(
      new RegExp(`Current coach: ${coach.displayName} since \\d{4}-\\d{2}-\\d{2}\\.`),
    );
    const history = main(page).getByRole('table', { name: 'Coach assignments, newest first' });
    expect(await history.getByRole('row').nth(1).textContent()).toMatch(
      new RegExp(`${coach.displayName}\\s*\\d{4}-\\d{2}-\\d{2}\\s*now\\s*—`),
    );
    await checkAccessibility(page, 'admin-coach-assigned');
  });

  it('2. the organizer sees the coach and submits evidence from the module page', async () => {
    organizerPage = await newPage();
    const page = organizerPage;
    await signIn(page, organizer, 'organizer-signed-in');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your progress' }).click();
    await page.waitForURL('**/me');
    await h1(page, 'Your progress').waitFor();
    expect(await section(page, 'Your coach').textContent()).toContain(coach.displayName);
    expect(
      await section(page, 'Your coach').getByRole('link', { name: coach.email }).getAttribute('href'),
    ).toBe(`mailto:${coach.email}`);
    const trackCard = main(page)
      .locator('.card')
      .filter({ has: page.getByRole('heading', { name: TRACK.title }) });
    expect(await trackCard.textContent()).toContain(`0 of ${totalMilestones} milestones completed`);
    await checkAccessibility(page, 'organizer-me-with-coach');

    // The next step leads to the first module; its milestone links to the evidence page.
    await trackCard.getByRole('link', { name: `Read “${MODULE.title}”` }).click();
    await page.waitForURL(`**${MODULE_URL}`);
    const evidenceLink = milestoneItem(page, MILESTONE.title).getByRole('link', {
      name: `Your evidence for “${MILESTONE.title}”`,
      exact: true,
    });
    await evidenceLink.click();
    await page.waitForURL(`**${MILESTONE_URL}`);
    await h1(page, MILESTONE.title).waitFor();
    expect(
      await main(page)
        .getByRole('link', { name: `← ${MODULE.title}` })
        .getAttribute('href'),
    ).toBe(MODULE_URL);
    await main(page).getByRole('heading', { level: 2, name: 'Submit your evidence' }).waitFor();
    expect(await threadItems(page).count()).toBe(0);
    await checkAccessibility(page, 'organizer-milestone-empty');

    const body = page.getByLabel('Your evidence');
    expect(await body.getAttribute('aria-describedby')).toBe('field-body-hint');
    await body.fill(EVIDENCE);
    await page.getByLabel('Links (optional, one per line)').fill(EVIDENCE_LINK);
    await main(page).getByRole('button', { name: 'Send to my coach' }).click();
    await status(page, 'Your evidence was sent to your coach.').waitFor();
    expect(pathOf(page)).toBe(MILESTONE_URL);

    // The thread shows the rendered Markdown; the form now edits the waiting evidence.
    expect(await threadItems(page).count()).toBe(1);
    const attempt = threadItems(page).first();
    expect(await attempt.getByRole('heading', { level: 3 }).textContent()).toBe(
      'Attempt 1 · Waiting for review',
    );
    expect(await attempt.locator('.evidence strong').textContent()).toBe('twelve members');
    const docLink = attempt.locator('.evidence').getByRole('link', { name: 'the shared doc' });
    expect(await docLink.getAttribute('href')).toBe('https://example.org/listening-notes');
    expect(await docLink.getAttribute('rel')).toBe('nofollow ugc noopener noreferrer');
    expect(await attempt.locator('.links').getByRole('link', { name: EVIDENCE_LINK }).count()).toBe(1);
    await main(page)
      .getByRole('heading', { level: 2, name: 'Edit your evidence (not reviewed yet)' })
      .waitFor();
    expect(await page.getByLabel('Your evidence').inputValue()).toBe(EVIDENCE);
    expect(await main(page).getByRole('button', { name: 'Save changes' }).count()).toBe(1);
    await checkAccessibility(page, 'organizer-evidence-sent');
  });

  it('3. the coach finds it in the queue and asks for changes', async () => {
    coachPage = await newPage();
    const page = coachPage;
    await signIn(page, coach, 'coach-signed-in');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Coaching' }).click();
    await page.waitForURL('**/coach');
    await h1(page, 'Coaching').waitFor();
    const queue = main(page).getByRole('table', { name: 'Evidence waiting for review, oldest first' });
    const rows = queue.getByRole('row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).getByRole('cell').allTextContents()).toEqual([
      organizer.displayName,
      MILESTONE.title,
      'less than an hour',
    ]);
    const organizers = main(page).getByRole('table', { name: 'Organizers you coach' });
    expect(await organizers.getByRole('row').nth(1).textContent()).toMatch(
      new RegExp(`${organizer.displayName}[\\s\\S]*0 of ${totalMilestones}[\\s\\S]*Active`),
    );
    await checkAccessibility(page, 'coach-dashboard-queue');

    await queue.getByRole('link', { name: MILESTONE.title }).click();
    await page.waitForURL('**/coach/submissions/*');
    await h1(page, 'Review evidence').waitFor();
    expect(await main(page).textContent()).toContain(`${organizer.displayName} · ${MILESTONE.title}`);
    expect(await threadItems(page).first().locator('.evidence strong').textContent()).toBe('twelve members');
    await checkAccessibility(page, 'coach-review');

    await page.getByLabel(/^Feedback/).fill(FEEDBACK);
    await main(page).getByRole('button', { name: 'Request changes' }).click();
    await page.waitForURL((url) => url.pathname === '/coach');
    await status(page, 'Your feedback was sent.').waitFor();
    expect(await main(page).textContent()).toContain('Nothing is waiting for you.');
    await checkAccessibility(page, 'coach-feedback-sent');
  });

  it('4. the organizer reads the feedback and submits a new version', async () => {
    const page = organizerPage;
    await page.goto('/me');
    const feedback = section(page, 'Feedback waiting for you');
    expect(await feedback.getByRole('listitem').allTextContents()).toEqual([
      `${MILESTONE.title}: changes requested`,
    ]);
    await checkAccessibility(page, 'organizer-me-feedback-waiting');

    await feedback.getByRole('link', { name: MILESTONE.title }).click();
    await page.waitForURL(`**${MILESTONE_URL}`);
    await h1(page, MILESTONE.title).waitFor();
    const attempt = threadItems(page).first();
    expect(await attempt.getByRole('heading', { level: 3 }).textContent()).toBe(
      'Attempt 1 · Changes requested',
    );
    const review = attempt.locator('.review');
    expect(await review.textContent()).toContain(`${coach.displayName} requested changes`);
    expect(await review.locator('.feedback strong').textContent()).toBe('what you will change');
    await main(page).getByRole('heading', { level: 2, name: 'Submit a new version' }).waitFor();
    // A new version starts empty (the earlier text is in the thread above).
    expect(await page.getByLabel('Your evidence').inputValue()).toBe('');
    await checkAccessibility(page, 'organizer-reads-feedback');

    await page.getByLabel('Your evidence').fill(EVIDENCE_V2);
    await page.getByLabel('Links (optional, one per line)').fill(EVIDENCE_LINK);
    await main(page).getByRole('button', { name: 'Send to my coach' }).click();
    await status(page, 'Your evidence was sent to your coach.').waitFor();
    expect(await threadItems(page).count()).toBe(2);
    expect(await threadItems(page).nth(1).getByRole('heading', { level: 3 }).textContent()).toBe(
      'Attempt 2 · Waiting for review',
    );
    await checkAccessibility(page, 'organizer-second-attempt');

    // The feedback was read: /me no longer lists it.
    await page.goto('/me');
    expect(await section(page, 'Feedback waiting for you').count()).toBe(0);
  });

  it('5. the coach approves; the milestone is completed on the module and track pages', async () => {
    const page = coachPage;
    await page.goto('/coach');
    const queue = main(page).getByRole('table', { name: 'Evidence waiting for review, oldest first' });
    await queue.getByRole('link', { name: MILESTONE.title }).click();
    await page.waitForURL('**/coach/submissions/*');
    expect(await threadItems(page).count()).toBe(2);
    expect(await threadItems(page).nth(1).locator('.evidence').textContent()).toContain(
      'ten minutes of introductions',
    );
    await checkAccessibility(page, 'coach-review-second-attempt');
    await page.getByLabel(/^Feedback/).fill('Exactly what the milestone asks for. Well done!');
    await main(page).getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.pathname === '/coach');
    await status(page, 'Approved: the milestone is signed off.').waitFor();
    const organizers = main(page).getByRole('table', { name: 'Organizers you coach' });
    expect(await organizers.getByRole('row').nth(1).textContent()).toContain(`1 of ${totalMilestones}`);
    await checkAccessibility(page, 'coach-approved');

    const organizerView = organizerPage;
    await organizerView.goto(MODULE_URL);
    const done = milestoneItem(organizerView, MILESTONE.title);
    expect(await done.getAttribute('class')).toContain('milestone-done');
    expect(await done.locator('.state-tag').textContent()).toBe('Completed');
    await checkAccessibility(organizerView, 'organizer-module-completed');

    await openMilestoneFromModule(organizerView);
    expect(await threadItems(organizerView).nth(1).getByRole('heading', { level: 3 }).textContent()).toBe(
      'Attempt 2 · Signed off',
    );
    // Signed off: nothing left to submit.
    expect(await main(organizerView).getByRole('textbox').count()).toBe(0);
    await checkAccessibility(organizerView, 'organizer-milestone-signed-off');

    await organizerView.goto(`/tracks/${TRACK.id}`);
    const progress = section(organizerView, 'Your progress');
    expect(await progress.textContent()).toContain(`1 of ${totalMilestones} milestones completed`);
    expect(await progress.getByRole('progressbar').getAttribute('value')).toBe('1');
    await checkAccessibility(organizerView, 'organizer-track-one-completed');
  });

  it('6. the coach logs a session; the organizer sees the agreed next step', async () => {
    const page = coachPage;
    await page.goto('/coach');
    await main(page)
      .getByRole('table', { name: 'Organizers you coach' })
      .getByRole('link', { name: organizer.displayName })
      .click();
    await page.waitForURL(`**/coach/organizers/${organizer.id}`);
    await h1(page, organizer.displayName).waitFor();
    expect(await main(page).textContent()).toContain(`${TRACK.title}: 1 of ${totalMilestones} milestones`);
    const evidence = main(page).getByRole('table', { name: 'Latest evidence per milestone' });
    expect(await evidence.getByRole('row').count()).toBe(2);
    expect(await evidence.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe(
      MILESTONE.title,
    );
    expect(await evidence.getByRole('row').nth(1).getByRole('cell').nth(1).textContent()).toBe('approved');
    expect(await main(page).textContent()).toContain('No sessions logged yet.');
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.getByLabel('Date').inputValue()).toBe(today);
    await checkAccessibility(page, 'coach-organizer-record');

    await page.getByLabel('Length in minutes').fill('45');
    await page.getByLabel(/^Private notes/).fill('Seems tired; check in about workload.');
    await page.getByLabel('Next step (the organizer sees this)').fill(NEXT_STEP);
    await main(page).getByRole('button', { name: 'Log session' }).click();
    await status(page, 'Session logged.').waitFor();
    expect(pathOf(page)).toBe(`/coach/organizers/${organizer.id}`);
    const logged = main(page).locator('.thread-item').first();
    expect(await logged.getByRole('heading', { level: 3 }).textContent()).toBe(
      `${today} · 45 minutes · ${coach.displayName}`,
    );
    expect(await logged.textContent()).toContain(`Next step: ${NEXT_STEP}`);
    expect(await logged.textContent()).toContain('Private notes: Seems tired');
    await checkAccessibility(page, 'coach-session-logged');

    const organizerView = organizerPage;
    await organizerView.goto('/me');
    const steps = section(organizerView, 'Next steps agreed with your coach');
    expect(await steps.getByRole('listitem').allTextContents()).toEqual([`${NEXT_STEP} (${today})`]);
    // Private notes stay with the coach.
    expect(await main(organizerView).textContent()).not.toContain('Seems tired');
    // The approval is feedback too, until the organizer opens it (they did, in step 5).
    expect(await section(organizerView, 'Feedback waiting for you').count()).toBe(0);
    await checkAccessibility(organizerView, 'organizer-me-next-step');
  });
});
