import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../src/paths';
import { TEST_PASSWORD } from '../helpers/factories';
import { startListeningApp } from '../helpers/listening-app';

/** Screenshots and axe reports of every step land here (gitignored). */
export const ARTIFACTS_DIR = path.join(projectRoot, 'test-artifacts', 'browser');

/** The WCAG 2.1 A and AA rules; best-practice rules are left out on purpose. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Debian's chromium, never a browser downloaded by playwright. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export type { RunningApp } from '../helpers/listening-app';

/** The real app on its own fresh database, listening on a free 127.0.0.1 port. */
export const startBrowserApp = () => startListeningApp();

let step = 0;
let artifactsDir = ARTIFACTS_DIR;

/**
 * Empties the artifacts folder and restarts the step numbering; call once per suite. Per-suite
 * subfolders (see resetSuiteArtifacts) are left alone, so suites run in any order keep theirs.
 */
export function resetArtifacts(): void {
  step = 0;
  artifactsDir = ARTIFACTS_DIR;
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const entry of fs.readdirSync(ARTIFACTS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) fs.rmSync(path.join(ARTIFACTS_DIR, entry.name), { force: true });
  }
}

/** Like resetArtifacts, but this suite's screenshots and axe reports go to their own subfolder. */
export function resetSuiteArtifacts(suite: string): void {
  step = 0;
  artifactsDir = path.join(ARTIFACTS_DIR, suite);
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });
}

/** Saves a full-page screenshot as <nn>-<name>.png and returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  step += 1;
  const file = path.join(artifactsDir, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What the page reports back from axe: plain data, so it crosses from the browser unchanged. */
interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string; summary: string }[];
}

interface AxeOutcome {
  violations: AxeFinding[];
  incomplete: AxeFinding[];
}

let axeSource: string | undefined;

/**
 * Evaluates axe-core in the page. The app's CSP (script-src 'self') refuses inline <script>, which
 * is what page.addScriptTag({ path }) would insert; code evaluated through the DevTools protocol is
 * not subject to the page's CSP, so the page keeps its real CSP (no bypassCSP needed).
 */
async function injectAxe(page: Page): Promise<void> {
  if (await page.evaluate('typeof window.axe === "object"')) return;
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
}

function formatFindings(findings: AxeFinding[]): string {
  return findings
    .map((finding) => {
      const nodes = finding.nodes.map(
        (node) => `    - ${node.target}\n      ${node.summary.replace(/\n/g, '\n      ')}`,
      );
      return `  [${finding.impact ?? 'n/a'}] ${finding.id}: ${finding.help}\n    ${finding.helpUrl}\n${nodes.join('\n')}`;
    })
    .join('\n');
}

/**
 * One step of a journey: waits for the page to finish loading, saves a full-page screenshot and
 * the axe report, and throws a readable list when any WCAG 2.1 A/AA rule is violated.
 */
export async function checkAccessibility(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  const shot = await screenshot(page, name);
  await injectAxe(page);
  const outcome = await page.evaluate(async (tags: string[]): Promise<AxeOutcome> => {
    interface AxeNode {
      target: unknown[];
      failureSummary?: string;
    }
    interface AxeResult {
      id: string;
      impact?: string | null;
      help: string;
      helpUrl: string;
      nodes: AxeNode[];
    }
    const axe = (
      globalThis as unknown as {
        axe: { run(options: object): Promise<{ violations: AxeResult[]; incomplete: AxeResult[] }> };
      }
    ).axe;
    const results = await axe.run({
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations', 'incomplete'],
    });
    const plain = (list: AxeResult[]) =>
      list.map((result) => ({
        id: result.id,
        impact: result.impact ?? null,
        help: result.help,
        helpUrl: result.helpUrl,
        nodes: result.nodes.map((node) => ({
          target: node.target
            .map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part)))
            .join(' '),
          summary: node.failureSummary ?? '',
        })),
      }));
    return { violations: plain(results.violations), incomplete: plain(results.incomplete) };
  }, WCAG_TAGS);
  fs.writeFileSync(
    shot.replace(/\.png$/, '.axe.json'),
    `${JSON.stringify({ url: page.url(), ...outcome }, null, 2)}\n`,
  );
  if (outcome.violations.length) {
    throw new Error(
      `${outcome.violations.length} WCAG 2.1 A/AA violation(s) on "${name}" (${page.url()}), screenshot ${path.relative(projectRoot, shot)}:\n` +
        formatFindings(outcome.violations),
    );
  }
}

/**
 * Collects console errors and uncaught exceptions (a CSP refusal or a missing stylesheet shows up as
 * a console error). The page's own 4xx status (a form re-rendered with errors) is expected, not one.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const ownStatus =
      message.text().startsWith('Failed to load resource') && message.location().url === page.url();
    if (!ownStatus) errors.push(`console: ${message.text()} (${message.location().url || page.url()})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
  return errors;
}

/**
 * Pages for the people in one suite, each in its own browser context (own cookies). Console and
 * page errors are collected; `takeErrors()` returns and clears them so a test can assert none.
 */
export class PageFactory {
  private readonly contexts: BrowserContext[] = [];
  private readonly errors: string[][] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  async newPage(): Promise<Page> {
    const context = await this.browser.newContext({
      baseURL: this.baseUrl,
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(10_000);
    this.contexts.push(context);
    const page = await context.newPage();
    this.errors.push(collectPageErrors(page));
    return page;
  }

  takeErrors(): string[] {
    const errors = this.errors.flat();
    for (const list of this.errors) list.length = 0;
    return errors;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close();
  }
}

export const mainOf = (page: Page) => page.getByRole('main');
export const pathOf = (page: Page) => new URL(page.url()).pathname;
export const h1Of = (page: Page, name: string) =>
  mainOf(page).getByRole('heading', { level: 1, name, exact: true });

/** Signs in through the login form and waits for the home page. */
export async function signInAs(page: Page, email: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

/** Pastes a credential into the open verify page and waits for the "verified" answer. */
export async function pasteVerifiedCredential(page: Page, credential: string): Promise<void> {
  await page.getByLabel('Credential JSON').fill(credential);
  await mainOf(page).getByRole('button', { name: 'Verify' }).click();
  await mainOf(page)
    .getByRole('heading', { name: 'Verified: this credential is genuine and in force' })
    .waitFor();
}
