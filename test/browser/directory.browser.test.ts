import { Circle } from '../../src/circles/circle.entities';
import { createChapter, createUser } from '../helpers/factories';
import { h1Of, mainOf, pathOf, signInAs } from './helpers';
import { axeBoth, browserSuite } from './suite';

describe('chapter directory and published stories in a real browser (axe, desktop and phone)', () => {
  const suite = browserSuite('directory');

  it('an admin publishes the chapter page, a story is published, and a stranger finds both on the map and feed', async () => {
    const manager = suite.running.t.dataSource.manager;
    const chapter = await createChapter(manager, { name: 'Code for Lowell' });
    const chapterAdmin = await createUser(manager, {
      role: 'admin',
      displayName: 'Lena Lead',
      scopeChapterId: chapter.id,
      chapterId: chapter.id,
    });
    const author = await createUser(manager, { displayName: 'Sam Storyteller', chapterId: chapter.id });
    const circle = await manager.findOneByOrFail(Circle, { chapterId: chapter.id });

    // The chapter's own admin writes its public page.
    const admin = await suite.pages.newPage();
    await signInAs(admin, chapterAdmin.email);
    await admin.goto(`/admin/chapters/${chapter.id}/page`);
    await axeBoth(admin, 'chapter-page-editor');
    await admin.getByLabel('Address (/chapters/…)').fill('code-for-lowell');
    await admin.getByLabel('About the chapter (Markdown)').fill('We meet to fix **real** things.');
    await admin.getByLabel('When you meet').fill('Thursdays, 7 pm');
    await admin.getByLabel('US state').selectOption('MA');
    await admin.getByRole('button', { name: 'Save the public page' }).click();
    await h1Of(admin, 'Code for Lowell').waitFor();

    // The author writes a story in the chapter circle and asks to publish it.
    const writer = await suite.pages.newPage();
    await signInAs(writer, author.email);
    await writer.goto(`/circles/${circle.id}/new?kind=story`);
    await writer.getByRole('button', { name: 'I accept the code of conduct' }).click();
    await writer.getByLabel('Title').fill('The night forty neighbours came');
    await writer.getByLabel('Text (Markdown)').fill('We expected ten. **Forty** came.');
    await writer.getByRole('button', { name: 'Post' }).click();
    await h1Of(writer, 'The night forty neighbours came').waitFor();
    await writer.getByRole('button', { name: 'Ask to publish' }).click();
    await mainOf(writer).getByText('Waiting for a chapter admin to decide.').waitFor();
    await axeBoth(writer, 'story-publication-pending');

    // The chapter admin approves it.
    await admin.goto('/admin/stories');
    await axeBoth(admin, 'stories-to-publish');
    await admin.getByRole('button', { name: 'Publish “The night forty neighbours came”' }).click();
    await mainOf(admin).getByText('Published. The author has been told.').waitFor();

    // A stranger finds the chapter on the map and reads the story.
    const stranger = await suite.pages.newPage();
    await stranger.goto('/chapters');
    await h1Of(stranger, 'Chapters').waitFor();
    await axeBoth(stranger, 'directory');
    await stranger.getByRole('link', { name: 'MA 1 chapter (Massachusetts)' }).click();
    expect(new URL(stranger.url()).hash).toBe('#state-ma');
    await mainOf(stranger).getByRole('link', { name: 'Code for Lowell' }).click();
    await h1Of(stranger, 'Code for Lowell').waitFor();
    expect(pathOf(stranger)).toBe('/chapters/code-for-lowell');
    await axeBoth(stranger, 'chapter-page');
    await mainOf(stranger).getByRole('link', { name: 'All stories' }).click();
    await h1Of(stranger, 'Stories from Code for Lowell').waitFor();
    expect(
      await mainOf(stranger).getByRole('heading', { name: 'The night forty neighbours came' }).isVisible(),
    ).toBe(true);
    await axeBoth(stranger, 'chapter-stories');
    const feed = await stranger.request.get('/chapters/code-for-lowell/stories.atom');
    expect(feed.headers()['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(await feed.text()).toContain('The night forty neighbours came');

    // One click by the author takes it off the public pages.
    await writer.reload();
    await writer.getByRole('button', { name: 'Unpublish' }).click();
    await mainOf(writer).getByText('The story is no longer public.').waitFor();
    await stranger.reload();
    expect(await mainOf(stranger).getByText('No stories shared yet.').isVisible()).toBe(true);
    expect(await (await stranger.request.get('/chapters/code-for-lowell/stories.atom')).text()).not.toContain(
      'forty neighbours',
    );
  });
});
