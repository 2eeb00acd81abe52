import type { Browser, BrowserContext, Page } from 'playwright-core';
import { listRoutes } from '../helpers/routes';
import {
  checkAccessibility,
  collectPageErrors,
  launchBrowser,
  resetSuiteArtifacts,
  signInAs,
  startBrowserApp,
  type RunningApp,
} from './helpers';
import { seedPhonePages, type PhoneData } from './phone-data';

/** A phone held upright (iPhone 12–15 size); every page must fit it without sideways scrolling. */
const PHONE = { width: 390, height: 844 };
/** The narrowest phone still in common use; pages are measured again at this width (without axe). */
const SMALL_PHONE = { width: 360, height: 800 };

type Viewer = 'anonymous' | 'organizer' | 'coach' | 'admin' | 'holder';

/**
 * GET routes that answer files or machine-readable documents, not pages. Everything else the app
 * serves is a page and must be listed in `pagesToVisit` (parameterised routes) or is visited as an
 * admin with its plain path.
 */
const NOT_PAGES = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /issuer',
  'GET /status/:listId',
  'GET /calendar/:file',
  'GET /admin/exports/:file',
  'GET /attachments/:id',
  'GET /badges/:file',
  'GET /c/:code/badge.:type',
  'GET /chapters/:slug/stories.atom',
]);
const isFileRoute = (route: string) => NOT_PAGES.has(route) || /\.(csv|ics|json|pdf|png)$/.test(route);

interface Visit {
  route: string;
  as: Viewer;
  path: string;
}

const visit = (route: string, as: Viewer, path = route.split(' ')[1]): Visit => ({ route, as, path });

/**
 * Every page, as the person who normally sees it (some as several people: they differ by role).
 * `{name}` in a path is filled from the seeded data (an id, a token, a code).
 */
const PAGES: Visit[] = [
  visit('GET /', 'anonymous'),
  visit('GET /', 'organizer'),
  visit('GET /', 'admin'),
  visit('GET /login', 'anonymous'),
  visit('GET /setup', 'anonymous'),
  visit('GET /invites/:token', 'anonymous', '/invites/{inviteToken}'),
  visit('GET /password/forgot', 'anonymous'),
  visit('GET /password/reset/:token', 'anonymous', '/password/reset/{resetToken}'),
  visit('GET /tracks/:trackId', 'anonymous', '/tracks/{trackId}'),
  visit('GET /tracks/:trackId', 'organizer', '/tracks/{trackId}'),
  visit('GET /tracks/:trackId/:moduleId', 'anonymous', '/tracks/{trackId}/{moduleId}'),
  visit('GET /tracks/:trackId/:moduleId', 'organizer', '/tracks/{trackId}/{moduleId}'),
  visit(
    'GET /tracks/:trackId/kits/:milestoneId',
    'admin',
    '/tracks/civic-tech-host/kits/facilitation-practice-workshop',
  ),
  visit('GET /search', 'anonymous', '/search?q=listening+tour'),
  visit('GET /me', 'organizer'),
  visit('GET /me', 'coach'),
  visit('GET /me/milestones/:milestoneId', 'organizer', '/me/milestones/{milestoneId}'),
  visit('GET /coach', 'coach'),
  visit('GET /coach/submissions/:id', 'coach', '/coach/submissions/{submissionId}'),
  visit('GET /coach/organizers/:id', 'coach', '/coach/organizers/{organizer}'),
  visit('GET /admin/people/:id/coach', 'admin', '/admin/people/{organizer}/coach'),
  visit('GET /admin/coach-requests', 'admin'),
  visit('GET /workshops', 'organizer'),
  visit('GET /workshops', 'coach'),
  visit('GET /workshops/new', 'coach'),
  visit('GET /workshops/:id', 'organizer', '/workshops/{workshopId}'),
  visit('GET /workshops/:id', 'coach', '/workshops/{workshopId}'),
  visit('GET /workshops/:id/edit', 'coach', '/workshops/{workshopId}/edit'),
  visit('GET /workshops/:id/attendance', 'coach', '/workshops/{workshopId}/attendance'),
  visit('GET /workshops/:id/check-in', 'coach', '/workshops/{workshopId}/check-in'),
  visit('GET /account', 'organizer'),
  visit('GET /account/password', 'organizer'),
  visit('GET /admin', 'admin'),
  visit('GET /admin/people', 'admin'),
  visit('GET /admin/people/:id', 'admin', '/admin/people/{organizer}'),
  visit('GET /admin/chapters', 'admin'),
  visit('GET /admin/chapters/:id', 'admin', '/admin/chapters/{chapterId}'),
  visit('GET /admin/invites', 'admin'),
  visit('GET /admin/outbox', 'admin'),
  visit('GET /admin/cohorts', 'admin'),
  visit('GET /admin/reports', 'admin'),
  visit('GET /admin/exports', 'admin'),
  visit('GET /admin/audit', 'admin'),
  visit('GET /admin/import', 'admin'),
  visit('GET /c/:code', 'anonymous', '/c/{certificateCode}'),
  visit('GET /verify', 'anonymous'),
  visit('GET /me/certificates', 'organizer'),
  visit('GET /me/certificates', 'holder'),
  visit('GET /admin/people/:id/certificates', 'admin', '/admin/people/{holder}/certificates'),
  visit('GET /admin/certificates/:id/revoke', 'admin', '/admin/certificates/{certificateId}/revoke'),
  visit('GET /admin/people/:id/deactivate', 'admin', '/admin/people/{organizer}/deactivate'),
  visit('GET /admin/submissions/:id/withdraw', 'admin', '/admin/submissions/{submissionId}/withdraw'),
  visit('GET /workshops/:id/cancel', 'admin', '/workshops/{workshopId}/cancel'),
  // Links that are no longer (or never were) valid: the page that says so must fit too.
  visit('GET /account/email/:token', 'organizer', '/account/email/not-a-valid-link'),
  visit('GET /notifications/unsubscribe/:token', 'anonymous', '/notifications/unsubscribe/not-a-valid-link'),
  visit('GET /circles/:id', 'organizer', '/circles/{circleId}'),
  visit('GET /circles/:id/new', 'organizer', '/circles/{circleId}/new?kind=story'),
  visit('GET /circles/posts/:id', 'organizer', '/circles/posts/{postId}'),
  visit('GET /circles/posts/:id/edit', 'organizer', '/circles/posts/{postId}/edit'),
  visit('GET /circles/search', 'organizer', '/circles/search?q=room&kind=ask'),
  visit('GET /circles/people/:id', 'coach', '/circles/people/{organizer}'),
  visit('GET /circles/replies/:id/edit', 'organizer', '/circles/replies/{replyId}/edit'),
  visit('GET /circles/ask-feedback', 'organizer', '/circles/ask-feedback?milestone={milestoneId}'),
  visit('GET /join', 'anonymous'),
  visit('GET /join/confirm/:token', 'anonymous', '/join/confirm/{joinConfirmToken}'),
  visit('GET /partners/request', 'anonymous'),
  visit('GET /partners/confirm/:token', 'anonymous', '/partners/confirm/{partnerConfirmToken}'),
  visit('GET /partners/status/:token', 'anonymous', '/partners/status/{partnerStatusToken}'),
  visit('GET /introductions/:token', 'anonymous', '/introductions/{introductionToken}'),
  visit('GET /me/introductions', 'organizer'),
  visit('GET /admin/requests', 'admin'),
  visit('GET /admin/requests/:id', 'admin', '/admin/requests/{joinRequestId}'),
  visit('GET /admin/partner-requests', 'admin'),
  visit('GET /admin/partner-requests/:id', 'admin', '/admin/partner-requests/{partnerRequestId}'),
  visit('GET /gatherings', 'organizer'),
  visit('GET /gatherings/new', 'coach'),
  visit('GET /gatherings/:id', 'organizer', '/gatherings/{gatheringId}'),
  visit('GET /gatherings/:id', 'anonymous', '/gatherings/{gatheringId}'),
  visit('GET /gatherings/:id/edit', 'coach', '/gatherings/{gatheringId}/edit'),
  visit('GET /gatherings/:id/attendance', 'coach', '/gatherings/{gatheringId}/attendance'),
  visit('GET /gatherings/:id/check-in', 'coach', '/gatherings/{gatheringId}/check-in'),
  visit('GET /chapters', 'anonymous'),
  visit('GET /chapters/:slug', 'anonymous', '/chapters/{chapterSlug}'),
  visit('GET /chapters/:slug/stories', 'anonymous', '/chapters/{chapterSlug}/stories'),
  visit('GET /chapters/:slug/edit', 'admin', '/chapters/{chapterSlug}/edit'),
  visit('GET /admin/chapters/:id/page', 'admin', '/admin/chapters/{chapterId}/page'),
  visit('GET /admin/stories', 'admin'),
  visit('GET /projects', 'organizer'),
  visit('GET /projects/:id', 'organizer', '/projects/{projectId}'),
  visit('GET /projects/:id', 'coach', '/projects/{projectId}'),
  visit('GET /projects/:id', 'admin', '/projects/{projectId}'),
  visit('GET /opportunities', 'anonymous'),
  visit('GET /opportunities', 'organizer'),
  visit('GET /people/listed', 'anonymous'),
  visit('GET /people/listed/:id/contact', 'anonymous', '/people/listed/{holder}/contact'),
  visit('GET /account/listing', 'holder'),
  visit('GET /account/listing', 'organizer'),
];

function fill(path: string, data: PhoneData): string {
  return path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = data[key as keyof PhoneData];
    return typeof value === 'string' ? value : value.id;
  });
}

/**
 * What sticks out past the right edge of the window, outside any element that scrolls or clips
 * (run in the page as a string: the tests are compiled without the DOM's types).
 */
const measureOverflow = (width: number) => `(() => {
  const width = ${width};
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement)
      if (getComputedStyle(parent).overflowX !== 'visible') return true;
    return false;
  };
  const offenders = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5 || clipped(element)) continue;
    const name = element.tagName.toLowerCase() + (element.classList[0] ? '.' + element.classList[0] : '');
    offenders.push(name + ' ends at ' + Math.round(box.right) + ' px: "' + (element.textContent || '').trim().slice(0, 40) + '"');
  }
  return { scrollWidth: document.documentElement.scrollWidth, offenders: offenders.slice(0, 8) };
})()`;

function overflowOf(page: Page, width: number): Promise<{ scrollWidth: number; offenders: string[] }> {
  return page.evaluate(measureOverflow(width));
}

/**
 * Visible table captions that are not wholly inside the window, before and after each sideways
 * scrolling table region is scrolled to its end (a caption must not scroll away with its table).
 * Returns the scroll regions that really scroll, too, so a test can tell it measured something.
 */
const measureCaptions = (width: number) => `(() => {
  const width = ${width};
  const regions = [...document.querySelectorAll('.table-scroll')];
  const problems = [];
  const check = (when) => {
    for (const caption of document.querySelectorAll('.table-scroll caption')) {
      if (caption.classList.contains('visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(caption);
      const box = range.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.left < -0.5 || box.right > width + 0.5)
        problems.push('caption "' + caption.textContent.trim().slice(0, 40) + '" ' + when + ': ' + Math.round(box.left) + '..' + Math.round(box.right) + ' px');
    }
  };
  check('as the page opens');
  for (const region of regions) region.scrollLeft = region.scrollWidth;
  check('with its table scrolled to the end');
  for (const region of regions) region.scrollLeft = 0;
  const scrolling = regions.filter((region) => region.scrollWidth > region.clientWidth + 1 && region.querySelector('caption:not(.visually-hidden)'));
  return { problems, scrolling: scrolling.map((region) => region.getAttribute('aria-label')) };
})()`;

function captionsOf(page: Page, width: number): Promise<{ problems: string[]; scrolling: string[] }> {
  return page.evaluate(measureCaptions(width));
}

describe('every page on a phone (390×844, and 360 wide): fits the width, passes axe', () => {
  let running: RunningApp;
  let browser: Browser;
  let data: PhoneData;
  /** One signed-in page per viewer, each in its own browser context, with its console errors. */
  const viewers = new Map<Viewer, { context: BrowserContext; page: Page; errors: string[] }>();

  async function pageFor(who: Viewer): Promise<Page> {
    const known = viewers.get(who);
    if (known) return known.page;
    const context = await browser.newContext({ baseURL: running.baseUrl, viewport: PHONE, isMobile: true });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    viewers.set(who, { context, page, errors: collectPageErrors(page) });
    if (who !== 'anonymous') await signInAs(page, data[who].email);
    return page;
  }

  beforeAll(async () => {
    resetSuiteArtifacts('phone');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    data = await seedPhonePages(running.t);
  });
  afterAll(async () => {
    for (const { context } of viewers.values()) await context.close();
    await browser?.close();
    await running?.close();
  });
  afterEach(() => {
    expect([...viewers.values()].flatMap(({ errors }) => errors.splice(0))).toEqual([]);
  });

  const pageRoutes = () =>
    listRoutes(running.t.app).filter((route) => route.startsWith('GET ') && !isFileRoute(route));
  const listed = new Set(PAGES.map((page) => page.route));

  /** Opens the page as `who`; returns what is wrong with it (axe findings, overflow), if anything. */
  async function problemsOf(who: Viewer, path: string, route = path): Promise<string[]> {
    const page = await pageFor(who);
    await page.goto(path);
    const problems: string[] = [];
    const slug =
      route
        .replace(/^GET /, '')
        .replace(/[^a-z0-9]+/gi, '-')
        .replace(/^-|-$/g, '') || 'home';
    await checkAccessibility(page, `${who}-${slug}`).catch((error: unknown) => problems.push(String(error)));
    for (const size of [PHONE, SMALL_PHONE]) {
      if (size !== PHONE) await page.setViewportSize(size);
      const { scrollWidth, offenders } = await overflowOf(page, size.width);
      if (scrollWidth > size.width || offenders.length)
        problems.push(
          `${path} as ${who} at ${size.width} px: ${scrollWidth} px wide\n    ${offenders.join('\n    ')}`,
        );
      const captions = await captionsOf(page, size.width);
      if (captions.problems.length)
        problems.push(`${path} as ${who} at ${size.width} px:\n    ${captions.problems.join('\n    ')}`);
    }
    await page.setViewportSize(PHONE);
    return problems;
  }

  it('has a sample path for every page that takes parameters (a new one must be added to PAGES)', () => {
    expect(pageRoutes().filter((route) => route.includes(':') && !listed.has(route))).toEqual([]);
  });

  it.each(PAGES)('$route as $as fits 390 and 360 px and passes axe', async ({ route, as, path }) => {
    expect(await problemsOf(as, fill(path, data), route)).toEqual([]);
  });

  it('fits pages not listed above (visited as an admin) and the "not found" page', async () => {
    const unlisted = pageRoutes().filter((route) => !route.includes(':') && !listed.has(route));
    const problems = [await problemsOf('organizer', '/no-such-page')];
    for (const route of unlisted) problems.push(await problemsOf('admin', route.split(' ')[1]));
    expect(problems.flat()).toEqual([]);
  }, 120_000);

  it('keeps a wide table’s caption in view while the table scrolls sideways (from all sides, reports)', async () => {
    const page = await pageFor('admin');
    for (const path of ['/admin/reports/all-sides', '/admin/reports']) {
      await page.goto(path);
      const { problems, scrolling } = await captionsOf(page, PHONE.width);
      expect({ path, problems }).toEqual({ path, problems: [] });
      if (path === '/admin/reports/all-sides') expect(scrolling.length).toBeGreaterThan(0);
    }
  });

  it('folds the menu behind a "Menu" button that opens without JavaScript, in a short header', async () => {
    const context = await browser.newContext({
      baseURL: running.baseUrl,
      viewport: PHONE,
      isMobile: true,
      javaScriptEnabled: false,
    });
    context.setDefaultTimeout(10_000);
    try {
      const page = await context.newPage();
      await signInAs(page, data.admin.email);
      const header = page.getByRole('banner');
      const reports = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' });
      expect((await header.boundingBox())!.height).toBeLessThanOrEqual(72);
      expect(await reports.isVisible()).toBe(false);

      await header.getByText('Menu', { exact: true }).click();
      await reports.waitFor();
      expect(await header.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      await reports.click();
      await page.waitForURL((url) => url.pathname === '/admin/reports');
      expect(await reports.isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('passes axe with the menu open', async () => {
    const page = await pageFor('admin');
    await page.goto('/admin');
    await page.getByRole('banner').getByText('Menu', { exact: true }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).waitFor();
    await checkAccessibility(page, 'menu-open');
  });
});
