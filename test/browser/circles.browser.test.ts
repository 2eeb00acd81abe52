import type { Browser, Page } from 'playwright-core';
import { Circle } from '../../src/circles/circle.entities';
import { CirclePost, CircleReply } from '../../src/circles/post.entities';
import { chapterWithCohort } from '../circles/helpers';
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

describe('circles in a real browser (axe on every page)', () => {
  let running: RunningApp;
  let browser: Browser;
  let pages: PageFactory;

  beforeAll(async () => {
    resetSuiteArtifacts('circles');
    [running, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
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

  it('an organizer accepts the code of conduct, asks for help, a neighbour replies and the ask is answered', async () => {
    const manager = running.t.dataSource.manager;
    const chapter = await createChapter(manager, { name: 'Harbor Civic Tech' });
    const asker = await createUser(manager, { displayName: 'Ada Asker', chapterId: chapter.id });
    const helper = await createUser(manager, { displayName: 'Hal Helper', chapterId: chapter.id });
    const circle = await manager.findOneByOrFail(Circle, { chapterId: chapter.id });

    const page: Page = await pages.newPage();
    await signInAs(page, asker.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Circles' }).click();
    await h1Of(page, 'Circles').waitFor();
    await checkAccessibility(page, 'circles-list');
    await mainOf(page).getByRole('link', { name: 'Harbor Civic Tech' }).click();
    await checkAccessibility(page, 'circle-page-empty');
    await mainOf(page).getByRole('link', { name: 'Ask for help' }).click();
    await h1Of(page, 'Code of conduct').waitFor();
    await checkAccessibility(page, 'code-of-conduct');
    await page.getByRole('button', { name: 'I accept the code of conduct' }).click();
    await page.getByLabel('Title').fill('Where can we meet for free?');
    await page.getByLabel('Text (Markdown)').fill('We need a room for **twenty** people.');
    await checkAccessibility(page, 'new-post');
    await page.getByRole('button', { name: 'Post' }).click();
    await h1Of(page, 'Where can we meet for free?').waitFor();
    await checkAccessibility(page, 'ask-thread');

    const other = await pages.newPage();
    await signInAs(other, helper.email);
    await other.goto(`/circles/${circle.id}`);
    await checkAccessibility(other, 'circle-page-with-post');
    await other.goto('/circles/conduct');
    await other.getByRole('button', { name: 'I accept the code of conduct' }).click();
    await other.goto(`/circles/${circle.id}`);
    await mainOf(other).getByRole('link', { name: 'Where can we meet for free?' }).click();
    await other.getByLabel('Your reply (Markdown)').fill('The public library lends rooms.');
    await other.getByRole('button', { name: 'Reply', exact: true }).click();
    await mainOf(other).getByText('The public library lends rooms.').waitFor();

    await page.reload();
    await page.getByRole('button', { name: /Mark as the answer/ }).click();
    await mainOf(page).getByText('this answered the ask').waitFor();
    await checkAccessibility(page, 'ask-answered');
    await page.setViewportSize({ width: 390, height: 844 });
    await checkAccessibility(page, 'ask-answered-phone');
    const overflow = await page.evaluate(() => {
      const view = globalThis as unknown as {
        innerWidth: number;
        document: { documentElement: { scrollWidth: number } };
      };
      return view.document.documentElement.scrollWidth > view.innerWidth;
    });
    expect(overflow).toBe(false);
    await page.getByRole('link', { name: 'Edit' }).click();
    await h1Of(page, 'Edit post').waitFor();
    await checkAccessibility(page, 'edit-post-phone');

    await other.getByText('Report this post').click();
    await other.locator('#report-post').fill('Testing the queue');
    await other.getByRole('button', { name: 'Report', exact: true }).click();
    const coach = await createUser(manager, {
      role: 'coach',
      displayName: 'Cora Coach',
      chapterId: chapter.id,
    });
    const host = await pages.newPage();
    await signInAs(host, coach.email);
    await host.goto('/circles/moderation');
    await mainOf(host).getByText('Testing the queue').waitFor();
    await checkAccessibility(host, 'moderation-queue');
  });
  it('two organizers of one cohort: an ask about a module is answered, and a reported reply is hidden by a host', async () => {
    const manager = running.t.dataSource.manager;
    const { chapter, cohort, cohortCircle } = await chapterWithCohort(running.t.dataSource);
    const asker = await createUser(manager, {
      displayName: 'Mo Moduleasker',
      chapterId: chapter.id,
      cohortId: cohort.id,
    });
    const peer = await createUser(manager, {
      displayName: 'Pia Peer',
      chapterId: chapter.id,
      cohortId: cohort.id,
    });
    const coach = await createUser(manager, {
      role: 'coach',
      displayName: 'Hana Host',
      chapterId: chapter.id,
    });

    const page = await pages.newPage();
    await signInAs(page, asker.email);
    await page.goto(`/circles/${cohortCircle.id}`);
    await mainOf(page).getByRole('link', { name: 'Ask for help' }).click();
    await page.getByRole('button', { name: 'I accept the code of conduct' }).click();
    await page.getByLabel('Title').fill('Stuck on the first module');
    await page.getByLabel('Text (Markdown)').fill('How did you run your first listening session?');
    await page.locator('#field-link').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Post' }).click();
    await h1Of(page, 'Stuck on the first module').waitFor();
    const post = await manager.findOneByOrFail(CirclePost, { title: 'Stuck on the first module' });
    expect(post.circleId).toBe(cohortCircle.id);
    expect(post.moduleId).not.toBeNull();
    expect(post.kind).toBe('ask');

    const other = await pages.newPage();
    await signInAs(other, peer.email);
    await other.goto('/circles/conduct');
    await other.getByRole('button', { name: 'I accept the code of conduct' }).click();
    await other.goto(`/circles/posts/${post.id}`);
    await other.getByLabel('Your reply (Markdown)').fill('Start with five neighbours and one question.');
    await other.getByRole('button', { name: 'Reply', exact: true }).click();
    await mainOf(other).getByText('Start with five neighbours and one question.').waitFor();
    await other.getByLabel('Your reply (Markdown)').fill('Buy cheap followers at spam.example');
    await other.getByRole('button', { name: 'Reply', exact: true }).click();
    await mainOf(other).getByText('Buy cheap followers at spam.example').waitFor();
    const good = await manager.findOneByOrFail(CircleReply, {
      postId: post.id,
      body: 'Start with five neighbours and one question.',
    });
    const bad = await manager.findOneByOrFail(CircleReply, {
      postId: post.id,
      body: 'Buy cheap followers at spam.example',
    });

    await page.reload();
    await page
      .locator(`#reply-${good.id}`)
      .getByRole('button', { name: /Mark as the answer/ })
      .click();
    await mainOf(page).getByText('this answered the ask').waitFor();
    expect((await manager.findOneByOrFail(CirclePost, { id: post.id })).answerReplyId).toBe(good.id);
    await page.locator('summary', { hasText: 'Report reply by Pia Peer' }).nth(1).click();
    await page.locator(`#report-${bad.id}`).fill('Spam');
    await page
      .locator(`form[action="/circles/replies/${bad.id}/report"]`)
      .getByRole('button', { name: 'Report' })
      .click();

    const host = await pages.newPage();
    await signInAs(host, coach.email);
    await host.goto('/circles/moderation');
    await mainOf(host).getByText('Spam', { exact: true }).waitFor();
    await mainOf(host).getByRole('link', { name: 'Stuck on the first module' }).click();
    await host.locator('summary', { hasText: 'Hide reply by Pia Peer' }).nth(1).click();
    await host.locator(`#hide-${bad.id}`).fill('Advertising is not allowed here.');
    await host
      .locator(`form[action="/circles/replies/${bad.id}/hide"]`)
      .getByRole('button', { name: 'Hide' })
      .click();
    await mainOf(host).getByText('Hidden. The author sees your reason.').waitFor();
    await checkAccessibility(host, 'reply-hidden');

    await other.reload();
    await mainOf(other).getByText('Advertising is not allowed here.', { exact: false }).waitFor();
    await page.reload();
    await h1Of(page, 'Stuck on the first module').waitFor();
    expect(await mainOf(page).getByText('Buy cheap followers at spam.example').count()).toBe(0);
    expect((await manager.findOneByOrFail(CircleReply, { id: bad.id })).hiddenAt).not.toBeNull();
    await checkAccessibility(page, 'ask-with-hidden-reply');
    await page.setViewportSize({ width: 390, height: 844 });
    await checkAccessibility(page, 'ask-with-hidden-reply-phone');
  });
});
