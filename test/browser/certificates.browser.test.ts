import type { Browser, Page } from 'playwright-core';
import type { User } from '../../src/accounts/user.entity';
import { certificateKit } from '../certificates/kit';
import { createUser } from '../helpers/factories';
import {
  checkAccessibility,
  h1Of,
  launchBrowser,
  mainOf,
  pasteVerifiedCredential,
  PageFactory,
  resetSuiteArtifacts,
  signInAs,
  startBrowserApp,
  type RunningApp,
} from './helpers';

describe('certificates in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let pages: PageFactory;
  let admin: User;
  let holder: User;
  let shareLink: string;
  let credentialJson: string;
  let partner: Page;

  beforeAll(async () => {
    resetSuiteArtifacts('certificates');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    pages = new PageFactory(browser, running.baseUrl);
    const manager = running.t.dataSource.manager;
    admin = await createUser(manager, { role: 'admin', displayName: 'Ada Admin' });
    holder = await createUser(manager, { displayName: 'Hana Holder' });
    await certificateKit(running.t).certify(holder.id);
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

  it('1. the holder finds the certificate and its share link', async () => {
    const page = await signIn(holder);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Certificates' }).click();
    await h1Of(page, 'Your certificates').waitFor();
    const link = mainOf(page).getByRole('link', { name: /\/c\// });
    shareLink = (await link.textContent())!;
    expect(shareLink).toMatch(new RegExp(`^${running.baseUrl}/c/[A-Za-z0-9_-]{22}$`));
    expect(await mainOf(page).textContent()).toContain('Status: Valid');
    await checkAccessibility(page, 'holder-certificates');
  });

  it('2. a partner without an account opens the link and sees a valid, checked certificate', async () => {
    partner = await pages.newPage();
    await partner.goto(shareLink);
    await h1Of(partner, 'Civic Tech Host').waitFor();
    const text = await mainOf(partner).textContent();
    expect(text).toContain('Awarded to Hana Holder');
    expect(text).toContain('Status: Valid');
    expect(text).toContain('Checked just now: genuine and in force');
    await checkAccessibility(partner, 'partner-certificate');

    const pdf = await partner.request.get(`${shareLink}/certificate.pdf`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const json = await partner.request.get(shareLink, { headers: { accept: 'application/json' } });
    credentialJson = await json.text();
    expect(JSON.parse(credentialJson)).toMatchObject({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
    });
  });

  it('3. the partner pastes the JSON into the verifier', async () => {
    await partner.goto('/verify');
    await h1Of(partner, 'Verify a credential').waitFor();
    await checkAccessibility(partner, 'verify-empty');
    await pasteVerifiedCredential(partner, credentialJson);
    await checkAccessibility(partner, 'verify-verified');
  });

  it('4. the admin revokes it and the partner sees "revoked"', async () => {
    const page = await signIn(admin);
    await page.goto(`/admin/people/${holder.id}/certificates`);
    await h1Of(page, 'Certificates of Hana Holder').waitFor();
    await checkAccessibility(page, 'admin-certificates');
    // Revoking goes through a confirmation page that says who will be told.
    await mainOf(page)
      .getByRole('link', { name: /^Revoke/ })
      .click();
    await page.waitForURL('**/revoke');
    await checkAccessibility(page, 'admin-confirm-revoke');
    await page.getByLabel(/^Reason for revoking/).fill('Issued to the wrong person');
    await mainOf(page).getByRole('button', { name: 'Revoke the certificate' }).click();
    await status(page, 'The certificate was revoked').waitFor();
    await checkAccessibility(page, 'admin-revoked');

    await partner.goto(shareLink);
    const text = await mainOf(partner).textContent();
    expect(text).toContain('Status: Revoked');
    expect(text).toContain('Issued to the wrong person');
    await checkAccessibility(partner, 'partner-revoked');
  });
});
