import type { Pool } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AccountsService } from '../../src/accounts/accounts.service';
import { LoginThrottle } from '../../src/accounts/login-throttle';
import {
  checkAccessibility,
  collectPageErrors,
  launchBrowser,
  resetArtifacts,
  startBrowserApp,
  type RunningApp,
} from './helpers';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.org', password: 'a long and unusual passphrase' };
const COACH = { name: 'Grace Coach', email: 'grace@example.org', password: 'copper kettles sing at dawn' };
const CHAPTER = { name: 'Riverside Civic Tech', region: 'Boston, MA' };

describe('onboarding in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    resetArtifacts();
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.close();
  });

  const path = () => new URL(page.url()).pathname;
  const header = () => page.getByRole('banner');
  const mainNav = () => page.getByRole('navigation', { name: 'Main' });
  const main = () => page.getByRole('main');
  const status = () => main().getByRole('status').first();

  async function issueSetupToken(): Promise<string> {
    const { t } = running;
    const pool = (t.dataSource.driver as PostgresDriver).master as Pool;
    const accounts = new AccountsService(new LoginThrottle(pool), t.config.baseUrl);
    const token = await t.dataSource.transaction((manager) => accounts.issueSetupToken(manager));
    if (!token) throw new Error('a fresh database should need setup');
    return token;
  }

  async function signOut(): Promise<void> {
    await header().getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login?signedOut=1');
    await header().getByRole('link', { name: 'Sign in' }).waitFor();
  }

  it('sets up the first admin, invites a coach who joins, and everyone signs in and out', async () => {
    // 1. The first admin, from the setup link the server prints.
    const token = await issueSetupToken();
    await page.goto(`/setup?token=${encodeURIComponent(token)}`);
    await main().getByRole('heading', { level: 1, name: 'Set up Organizer Academy' }).waitFor();
    await checkAccessibility(page, 'setup');

    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email address').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create admin account' }).click();
    await page.waitForURL('**/admin/people');
    expect(await status().textContent()).toContain('Your admin account is ready');
    expect(await header().textContent()).toContain(ADMIN.name);
    expect(await main().getByRole('table').getByRole('link', { name: ADMIN.name }).count()).toBe(1);
    await checkAccessibility(page, 'admin-people');

    // 2. A chapter.
    await mainNav().getByRole('link', { name: 'Chapters' }).click();
    await page.waitForURL('**/admin/chapters');
    expect(await main().textContent()).toContain('No chapters yet.');
    await checkAccessibility(page, 'chapters-empty');

    await page.getByLabel('Chapter name').fill(CHAPTER.name);
    await page.getByLabel('City or region').fill(CHAPTER.region);
    await page.getByRole('button', { name: 'Add chapter' }).click();
    await main().getByRole('table').getByRole('link', { name: CHAPTER.name }).waitFor();
    expect(await status().textContent()).toContain(`Chapter “${CHAPTER.name}” added.`);
    await checkAccessibility(page, 'chapter-added');

    // 3. An invite: first sent empty (field errors), then for a coach of that chapter.
    await mainNav().getByRole('link', { name: 'Invites' }).click();
    await page.waitForURL('**/admin/invites');
    await checkAccessibility(page, 'invites');

    await page.getByRole('button', { name: 'Send invite' }).click();
    const summary = main().getByRole('alert');
    await summary.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
    await checkAccessibility(page, 'invites-with-errors');

    await page.getByLabel('Email address').fill(COACH.email);
    await page.getByLabel('Role').selectOption('coach');
    await page.getByLabel('Chapter').selectOption({ label: CHAPTER.name });
    await page.getByRole('button', { name: 'Send invite' }).click();
    await status()
      .filter({ hasText: `Invite created for ${COACH.email}` })
      .waitFor();
    const inviteRow = main().getByRole('row').filter({ hasText: COACH.email });
    expect(await inviteRow.textContent()).toMatch(/coach[\s\S]*Riverside Civic Tech[\s\S]*open/);
    await checkAccessibility(page, 'invite-sent');

    // 4. No mail server: the invite email waits in the outbox, link and all.
    await mainNav().getByRole('link', { name: 'Outbox' }).click();
    await page.waitForURL('**/admin/outbox');
    const message = main()
      .getByRole('article')
      .filter({ hasText: `To ${COACH.email}` });
    const body = (await message.locator('.message-body').textContent()) ?? '';
    const escapedBase = running.baseUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const inviteLink = new RegExp(`${escapedBase}/invites/[A-Za-z0-9_-]+`).exec(body)?.[0];
    if (!inviteLink) throw new Error(`no invite link in the outbox message:\n${body}`);
    await checkAccessibility(page, 'outbox');

    // 5. The admin signs out through the header button.
    await signOut();
    expect(await mainNav().getByRole('link', { name: 'People', exact: true }).count()).toBe(0);
    await checkAccessibility(page, 'signed-out');

    // 6. The coach opens the link, picks a name and password, and is signed in.
    await page.goto(inviteLink);
    await main().getByRole('heading', { level: 1, name: 'Join Organizer Academy' }).waitFor();
    expect(await main().textContent()).toContain(COACH.email);
    await checkAccessibility(page, 'accept-invite');

    await page.getByLabel('Your name').fill(COACH.name);
    await page.getByLabel('Choose a password').fill(COACH.password);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.waitForURL((url) => url.pathname === '/coach');
    expect(await status().textContent()).toContain(`Welcome to Organizer Academy, ${COACH.name}.`);
    expect(await header().textContent()).toMatch(new RegExp(`${COACH.name}\\s*coach`));
    expect(await mainNav().getByRole('link', { name: 'People', exact: true }).count()).toBe(0);
    await checkAccessibility(page, 'coach-home');

    await mainNav().getByRole('link', { name: 'Your account' }).click();
    await page.waitForURL('**/account');
    expect(await main().textContent()).toContain(COACH.email);
    await checkAccessibility(page, 'coach-account');

    // 7. Signed out, the coach looks at the forgotten-password page, then signs in, wrong password first.
    await signOut();
    await main().getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('**/password/forgot');
    await checkAccessibility(page, 'forgot-password');

    await header().getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/login' && !url.search);
    await page.getByLabel('Email address').fill(COACH.email);
    await page.getByLabel('Password', { exact: true }).fill('not the right password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await main().getByRole('alert').getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(path()).toBe('/login');
    expect(await page.getByLabel('Email address').inputValue()).toBe(COACH.email);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await checkAccessibility(page, 'login-wrong-password');

    await page.getByLabel('Password', { exact: true }).fill(COACH.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await status().textContent()).toContain(`Welcome back, ${COACH.name}.`);
    await checkAccessibility(page, 'coach-signed-in-again');

    // 8. Signed out for good: the header offers "Sign in" again.
    await signOut();
    expect(await header().getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await header().getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await header().textContent()).not.toContain(COACH.name);
    await checkAccessibility(page, 'signed-out-again');

    expect(pageErrors).toEqual([]);
  });

  it('the accessibility check is not vacuous: a field without a label fails it, naming the rule and the node', async () => {
    await page.goto('/login');
    await page.evaluate("document.querySelector('label[for=field-email]').remove()");
    await expect(checkAccessibility(page, 'control-unlabelled-field')).rejects.toThrow(
      /WCAG 2\.1 A\/AA violation[\s\S]*\] label: Form elements must have labels[\s\S]*#field-email/,
    );
  });
});
