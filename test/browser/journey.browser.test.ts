import type { Browser, Page } from 'playwright-core';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AccountsService } from '../../src/accounts/accounts.service';
import { LoginThrottle } from '../../src/accounts/login-throttle';
import { startListeningApp, type RunningApp } from '../helpers/listening-app';
import {
  checkAccessibility,
  h1Of,
  launchBrowser,
  mainOf,
  pasteVerifiedCredential,
  PageFactory,
  pathOf,
  resetSuiteArtifacts,
  signInAs,
} from './helpers';

/**
 * The whole product in one story, on a freshly started app with a two-module track: setup,
 * invites, coaching with a round of changes, a workshop, the certificate, a partner verifying it,
 * and its revocation. axe runs on every page; each step's screenshot is kept.
 */
const CURRICULUM = 'test/fixtures/journey-curriculum';
const ADMIN = {
  name: 'Ada Admin',
  email: 'ada@harbor.example',
  password: 'correct horse battery staple 2027',
};
const COACH = {
  name: 'Cora Coach',
  email: 'cora@harbor.example',
  password: 'a coach who listens closely 42',
};
const ORGANIZERS = [
  { name: 'Olu Organizer', email: 'olu@harbor.example', password: 'organizing is a team sport 7' },
  { name: 'Pia Partner', email: 'pia@harbor.example', password: 'second organizer passphrase 8' },
];
const MODULE_URL = '/tracks/first-steps/listening';
const MILESTONE = 'Hold three listening conversations';
const WORKSHOP = 'Hard conversations practice';

describe('journey: from setup to a revoked certificate', () => {
  let running: RunningApp;
  let browser: Browser;
  let pages: PageFactory;
  let admin: Page;
  let coach: Page;
  let organizer: Page;
  let partner: Page;
  let certificateUrl: string;

  beforeAll(async () => {
    resetSuiteArtifacts('journey');
    [running, browser] = await Promise.all([
      startListeningApp({ CURRICULUM_DIR: CURRICULUM }),
      launchBrowser(),
    ]);
    pages = new PageFactory(browser, running.baseUrl);
  });
  afterAll(async () => {
    await pages?.close();
    await browser?.close();
    await running?.close();
  });
  afterEach(() => {
    expect(pages.takeErrors()).toEqual([]);
  });

  const status = (page: Page, text: string) =>
    mainOf(page).getByRole('status').filter({ hasText: text }).waitFor();
  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

  async function inviteLinkFor(email: string): Promise<string> {
    const [message] = await running.t.dataSource.query<{ text: string }[]>(
      `SELECT body_text AS text FROM outbox WHERE to_address = $1 ORDER BY created_at DESC LIMIT 1`,
      [email],
    );
    const link = /https?:\/\/\S+\/invites\/[A-Za-z0-9_-]+/.exec(message?.text ?? '')?.[0];
    if (!link) throw new Error(`no invite link emailed to ${email}`);
    return link;
  }

  async function signIn(person: { email: string; password: string }, shot: string): Promise<Page> {
    const page = await pages.newPage();
    await signInAs(page, person.email, person.password);
    await checkAccessibility(page, shot);
    return page;
  }

  it('1. the first admin sets up the academy and invites a coach and two organizers', async () => {
    const pool = (running.t.dataSource.driver as PostgresDriver).master as Pool;
    const token = await running.t.dataSource.transaction((m) =>
      new AccountsService(new LoginThrottle(pool), running.baseUrl).issueSetupToken(m),
    );
    admin = await pages.newPage();
    await admin.goto(`/setup?token=${encodeURIComponent(token!)}`);
    await checkAccessibility(admin, 'setup');
    await admin.getByLabel('Your name').fill(ADMIN.name);
    await admin.getByLabel('Email address').fill(ADMIN.email);
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Create admin account' }).click();
    await admin.waitForURL('**/admin/people');
    await checkAccessibility(admin, 'admin-people');

    await nav(admin, 'Invites').click();
    for (const [person, role] of [
      [COACH, 'coach'],
      [ORGANIZERS[0], 'organizer'],
      [ORGANIZERS[1], 'organizer'],
    ] as const) {
      await admin.getByLabel('Email address').fill(person.email);
      await admin.getByLabel('Role').selectOption(role);
      await admin.getByRole('button', { name: 'Send invite', exact: true }).click();
      await status(admin, `Invite created for ${person.email}`);
    }
    await checkAccessibility(admin, 'invites-sent');
  });

  it('2. everyone accepts their invite, and the admin assigns the coach', async () => {
    for (const [i, person] of [COACH, ...ORGANIZERS].entries()) {
      const page = await pages.newPage();
      await page.goto(await inviteLinkFor(person.email));
      if (i === 0) await checkAccessibility(page, 'accept-invite');
      await page.getByLabel('Your name').fill(person.name);
      await page.getByLabel('Choose a password').fill(person.password);
      await page.getByRole('button', { name: 'Create my account' }).click();
      // Each lands on their next step: coaches on Coaching, organizers on Your progress.
      await page.waitForURL((url) => url.pathname === (i === 0 ? '/coach' : '/me'));
      await page.close();
    }
    await nav(admin, 'People').click();
    await mainOf(admin).getByRole('link', { name: ORGANIZERS[0].name }).click();
    await mainOf(admin).getByRole('link', { name: 'Coach assignment' }).click();
    await h1Of(admin, `Coach for ${ORGANIZERS[0].name}`).waitFor();
    await checkAccessibility(admin, 'assign-coach');
    await mainOf(admin)
      .getByRole('radio', { name: new RegExp(`^${COACH.name}`) })
      .check();
    await mainOf(admin).getByRole('button', { name: 'Assign coach' }).click();
    await status(admin, 'Coach assigned.');
  });

  it('3. the organizer reads, submits evidence, gets changes requested, resubmits and is approved', async () => {
    organizer = await signIn(ORGANIZERS[0], 'organizer-home');
    await organizer.goto(MODULE_URL);
    await checkAccessibility(organizer, 'module');
    await mainOf(organizer).getByRole('button', { name: 'Mark as read' }).click();
    await mainOf(organizer)
      .getByRole('link', { name: `Your evidence for “${MILESTONE}”`, exact: true })
      .click();
    await organizer.getByLabel('Your evidence').fill('I talked with a newcomer, a regular and a partner.');
    await mainOf(organizer).getByRole('button', { name: 'Send to my coach' }).click();
    await status(organizer, 'Your evidence was sent to your coach.');
    await checkAccessibility(organizer, 'evidence-sent');

    coach = await signIn(COACH, 'coach-home');
    const review = async (decision: 'Request changes' | 'Approve', feedback: string, shot: string) => {
      await coach.goto('/coach');
      await mainOf(coach)
        .getByRole('table', { name: 'Evidence waiting for review, oldest first' })
        .getByRole('link', { name: MILESTONE })
        .click();
      await h1Of(coach, 'Review evidence').waitFor();
      await checkAccessibility(coach, shot);
      await coach.getByLabel(/^Feedback/).fill(feedback);
      await mainOf(coach).getByRole('button', { name: decision }).click();
      await status(
        coach,
        decision === 'Approve' ? 'Approved: the milestone is signed off.' : 'Your feedback was sent.',
      );
    };
    await review('Request changes', 'Good start: add the one change you will make.', 'coach-review');

    await organizer.reload();
    await checkAccessibility(organizer, 'changes-requested');
    await organizer
      .getByLabel('Your evidence')
      .fill('Three conversations; we will now welcome newcomers at the door.');
    await mainOf(organizer).getByRole('button', { name: 'Send to my coach' }).click();
    await status(organizer, 'Your evidence was sent to your coach.');

    await review('Approve', 'Exactly right. Well done!', 'coach-review-again');
  });

  it('4. the organizer registers for a workshop and is marked present, finishing the track', async () => {
    await coach.goto('/workshops/new');
    await coach.getByLabel('Title', { exact: true }).fill(WORKSHOP);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await coach.getByLabel('Starts', { exact: true }).fill(`${tomorrow}T18:00`);
    await coach.getByLabel('Ends', { exact: true }).fill(`${tomorrow}T20:00`);
    await coach.getByLabel('Time zone').selectOption('UTC');
    await coach.getByLabel('Seats', { exact: true }).fill('12');
    await mainOf(coach)
      .getByLabel(/^Attend a practice workshop/)
      .check();
    await mainOf(coach).getByRole('button', { name: 'Save workshop' }).click();
    await status(coach, 'Workshop scheduled.');
    const workshopPath = pathOf(coach);
    await checkAccessibility(coach, 'workshop-scheduled');

    await organizer.goto('/workshops');
    await mainOf(organizer).getByRole('link', { name: WORKSHOP }).click();
    await mainOf(organizer).getByRole('button', { name: 'Register' }).click();
    await status(organizer, 'You have a seat.');
    await checkAccessibility(organizer, 'workshop-registered');

    // Attendance is marked once the workshop is under way (from 15 minutes before its start): let
    // tomorrow's workshop begin now.
    await running.t.dataSource.query(
      `UPDATE workshops SET starts_at = now() - interval '5 minutes', ends_at = now() + interval '115 minutes'
        WHERE id = $1`,
      [workshopPath.split('/').pop()],
    );
    await coach.goto(`${workshopPath}/attendance`);
    await coach.getByLabel(`Attendance for ${ORGANIZERS[0].name}`).selectOption('present');
    await mainOf(coach).getByRole('button', { name: 'Save attendance' }).click();
    await status(coach, 'Attendance saved (1 change).');
    await checkAccessibility(coach, 'attendance');
  });

  it('5. the organizer has a certificate to share', async () => {
    await organizer.goto('/me');
    expect(await mainOf(organizer).textContent()).toMatch(/2 of 2 milestones completed/);
    await checkAccessibility(organizer, 'progress-complete');
    await nav(organizer, 'Certificates').click();
    await h1Of(organizer, 'Your certificates').waitFor();
    certificateUrl = (await mainOf(organizer).getByRole('link', { name: /\/c\// }).textContent())!;
    await checkAccessibility(organizer, 'my-certificates');
  });

  it('6. a partner opens the link, downloads the PDF and JSON, and verifies the JSON', async () => {
    partner = await pages.newPage();
    await partner.goto(certificateUrl);
    await h1Of(partner, 'First Steps Organizer').waitFor();
    const page = await mainOf(partner).textContent();
    expect(page).toContain(`Awarded to ${ORGANIZERS[0].name}`);
    expect(page).toContain('Status: Valid');
    expect(page).toContain('Checked just now: genuine and in force');
    expect(page).toContain(WORKSHOP);
    await checkAccessibility(partner, 'partner-certificate');

    const [pdf] = await Promise.all([
      partner.waitForEvent('download'),
      mainOf(partner).getByRole('link', { name: 'Download the certificate (PDF)' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/^certificate-[A-Za-z0-9_-]+\.pdf$/);
    const json = await partner.request.get(`${certificateUrl}/credential.json`);
    const credential = await json.text();
    expect(JSON.parse(credential)).toMatchObject({ type: ['VerifiableCredential', 'OpenBadgeCredential'] });
    // Each evidence entry says what happened, taken from its source.
    const today = new Date().toISOString().slice(0, 10);
    const evidence = (JSON.parse(credential) as { evidence: { name: string; description: string }[] })
      .evidence;
    expect(evidence.map((e) => [e.name, e.description])).toEqual(
      expect.arrayContaining([
        [MILESTONE, `Evidence reviewed and signed off by ${COACH.name} on ${today}.`],
        [
          'Attend a practice workshop',
          expect.stringMatching(
            new RegExp(
              `^Completed through the workshop “${WORKSHOP}” \\(\\d{4}-\\d{2}-\\d{2} to \\d{4}-\\d{2}-\\d{2}\\): marked present by ${COACH.name} on ${today}\\.$`,
            ),
          ),
        ],
        [
          WORKSHOP,
          expect.stringMatching(
            new RegExp(`^Attended (on|from) .*; marked present by ${COACH.name} on ${today}\\.$`),
          ),
        ],
      ]),
    );
    expect(evidence).toHaveLength(3);

    await partner.goto('/verify');
    await checkAccessibility(partner, 'verify');
    await pasteVerifiedCredential(partner, credential);
    await checkAccessibility(partner, 'verify-verified');
  });

  it('7. the admin revokes it and the partner sees "revoked"', async () => {
    await nav(admin, 'People').click();
    await mainOf(admin).getByRole('link', { name: ORGANIZERS[0].name }).click();
    await mainOf(admin).getByRole('link', { name: 'Certificates' }).click();
    // Revoking goes through a page that says who will be told.
    await mainOf(admin)
      .getByRole('link', { name: /^Revoke/ })
      .click();
    await checkAccessibility(admin, 'confirm-revoke');
    await admin.getByLabel(/^Reason for revoking/).fill('Awarded by mistake');
    await mainOf(admin).getByRole('button', { name: 'Revoke the certificate' }).click();
    await status(admin, 'The certificate was revoked');
    await checkAccessibility(admin, 'revoked');

    await partner.goto(certificateUrl);
    const page = await mainOf(partner).textContent();
    expect(page).toContain('Status: Revoked');
    expect(page).toContain('Awarded by mistake');
    await checkAccessibility(partner, 'partner-revoked');
  });
});
