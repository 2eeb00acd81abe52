import type { Browser, Page } from 'playwright-core';
import {
  checkAccessibility,
  launchBrowser,
  PageFactory,
  resetSuiteArtifacts,
  startBrowserApp,
  type RunningApp,
} from './helpers';

/** The phone size pages are checked at. */
export const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** axe on the open page at desktop width, then again at phone width (and back). */
export async function axeBoth(page: Page, name: string): Promise<void> {
  await checkAccessibility(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await checkAccessibility(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

/** What a browser suite drives; the fields are set once its `beforeAll` has run. */
export interface BrowserSuite {
  running: RunningApp;
  browser: Browser;
  pages: PageFactory;
}

/**
 * Call inside a `describe`: starts the app and Chromium for the suite (its screenshots under
 * test-artifacts/browser/<name>), closes both afterwards, and fails any test that left console or
 * page errors behind.
 */
export function browserSuite(name: string): BrowserSuite {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    resetSuiteArtifacts(name);
    [suite.running, suite.browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    suite.pages = new PageFactory(suite.browser, suite.running.baseUrl);
  });
  afterAll(async () => {
    await suite.pages?.close();
    await suite.browser?.close();
    await suite.running?.close();
  });
  afterEach(() => {
    expect(suite.pages.takeErrors()).toEqual([]);
  });
  return suite;
}
