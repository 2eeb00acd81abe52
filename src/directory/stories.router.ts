import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { renderUserMarkdown } from '../coaching/user-markdown';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { parseForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import { reasonForm } from './directory.schemas';
import type { StoriesService } from './stories.service';
import { publishedStories, storiesToDecide } from './story-lists';

const approveForm = z.object({
  version: z
    .string({ error: 'Open the story again, then decide.' })
    .min(1, 'Open the story again, then decide.'),
});
const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** Asking to publish a story, deciding on it, and unpublishing it. */
export function storiesRouter({
  dataSource,
  stories,
}: {
  dataSource: DataSource;
  stories: StoriesService;
}): Router {
  const router = Router();
  const manager = dataSource.manager;
  const back = (postId: string) => `/circles/posts/${postId}`;

  // The post page (circles router) shows its author and deciders where the story stands: this runs
  // first and leaves the status in res.locals for the view; it decides nothing about access.
  router.get('/circles/posts/:id', async (req, res, next) => {
    const id = String(req.params.id);
    if (req.user && /^[0-9a-f-]{36}$/.test(id))
      res.locals.storyPublication = await stories.status(manager, req.user, id).catch(() => null);
    next();
  });
  router.post('/circles/posts/:id/publish', requireSignedIn, async (req, res) => {
    await withTransaction(dataSource, (m) => stories.request(m, req.user, idOf(req)));
    flash(req, 'success', 'Asked. A chapter admin will read your story and decide; you will be told.');
    res.redirect(303, back(idOf(req)));
  });
  router.post('/circles/posts/:id/unpublish', requireSignedIn, async (req, res) => {
    await withTransaction(dataSource, (m) => stories.unpublish(m, req.user, idOf(req)));
    flash(req, 'success', 'The story is no longer public.');
    const from = (req.body as { from?: unknown } | undefined)?.from;
    res.redirect(303, from === 'admin' ? '/admin/stories' : back(idOf(req)));
  });

  router.get('/admin/stories', requireRole('admin'), async (req, res) => {
    const [waiting, published] = await Promise.all([
      storiesToDecide(manager, req.user),
      publishedStories(manager, req.user),
    ]);
    res.render('directory/stories-admin', {
      pageTitle: 'Stories to publish',
      waiting: waiting.map((s) => ({
        ...s,
        bodyHtml: renderUserMarkdown(s.body),
        requested: day.format(s.requestedAt),
      })),
      published: published.map((s) => ({ ...s, date: day.format(s.publishedAt) })),
      errors: {},
    });
  });
  router.post('/admin/stories/:id/approve', requireRole('admin'), async (req, res) => {
    const { version } = parseForm(approveForm, req.body);
    await withTransaction(dataSource, (m) => stories.approve(m, req.user, idOf(req), version));
    flash(req, 'success', 'Published. The author has been told.');
    res.redirect(303, '/admin/stories');
  });
  router.post('/admin/stories/:id/decline', requireRole('admin'), async (req, res) => {
    const { reason } = parseForm(reasonForm, req.body);
    await withTransaction(dataSource, (m) => stories.decline(m, req.user, idOf(req), reason));
    flash(req, 'success', 'Declined. The author has been told your reason.');
    res.redirect(303, '/admin/stories');
  });
  return router;
}
