import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Curriculum } from '../curriculum/curriculum.types';
import { withTransaction } from '../db/transaction';
import { NotFound, ValidationFailed } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import type { CirclesService } from './circles.service';
import { linkOptions, linkValue, linkView } from './curriculum-links';
import type { CircleProfileService } from './profile.service';
import type { PostsService } from './posts.service';
import type { RepliesService } from './replies.service';
import type { CircleSearchService } from './search.service';
import { askFeedbackForm, draftForm, milestoneQuery, replyEditForm, searchQuery } from './talk.schemas';
import { KIND_LABELS } from './view-models';
import { foundView, profileItemView } from './talk.view-models';

interface TalkRouterDeps {
  dataSource: DataSource;
  circles: CirclesService;
  posts: PostsService;
  replies: RepliesService;
  search: CircleSearchService;
  profiles: CircleProfileService;
  curriculum: () => Curriculum;
}

/** Circle search, circle profiles, reply editing and feedback requests from a milestone page. */
export function talkRouter(deps: TalkRouterDeps): Router {
  const { dataSource, circles, posts, replies, search, profiles, curriculum } = deps;
  const router = Router();
  const manager = dataSource.manager;
  router.use('/circles', requireSignedIn);

  router.get('/circles/search', async (req, res) => {
    const query = searchQuery.parse(req.query);
    const moduleId = query.module && curriculum().moduleById.has(query.module) ? query.module : null;
    const filters = { q: query.q, kind: query.kind ?? null, unanswered: query.unanswered, moduleId };
    const page = await search.search(manager, req.user, filters, query.after ?? null);
    const more = new URLSearchParams();
    if (filters.q) more.set('q', filters.q);
    if (filters.kind) more.set('kind', filters.kind);
    if (filters.unanswered) more.set('unanswered', 'yes');
    if (moduleId) more.set('module', moduleId);
    if (page.next) more.set('after', `${page.next.createdAt}~${page.next.id}`);
    const modules = curriculum().tracks.flatMap((t) => t.modules.map((m) => ({ id: m.id, title: m.title })));
    res.render('circles/search', {
      pageTitle: 'Search your circles',
      filters,
      kinds: KIND_LABELS,
      modules,
      results: page.posts.map((p) => foundView(curriculum(), p)),
      next: page.next ? `/circles/search?${more.toString()}` : null,
    });
  });

  router.get('/circles/people/:id', async (req, res) => {
    const profile = await profiles.profile(manager, req.user, idOf(req));
    res.render('circles/person', {
      pageTitle: `${profile.displayName} in the circles`,
      person: { id: profile.id, displayName: profile.displayName, helped: profile.helped },
      stories: profile.stories.map(profileItemView),
      answers: profile.answers.map(profileItemView),
    });
  });

  const replyModel = async (req: Request) => {
    const { reply, post } = await replies.editable(manager, req.user, idOf(req));
    return {
      pageTitle: 'Edit reply',
      reply: { id: reply.id, body: reply.body },
      post: { id: post.id, title: post.title },
    };
  };
  router.get('/circles/replies/:id/edit', async (req, res) => {
    const model = await replyModel(req);
    res.render('circles/edit-reply', { ...model, values: { body: model.reply.body }, errors: {} });
  });
  router.post(
    '/circles/replies/:id/edit',
    handleForm({
      view: 'circles/edit-reply',
      schema: replyEditForm,
      model: replyModel,
      submit: async (req, res, { body }) => {
        const reply = await withTransaction(dataSource, (m) => replies.edit(m, req.user, idOf(req), body));
        flash(req, 'success', 'Reply updated; the earlier text is kept.');
        res.redirect(303, `/circles/posts/${reply.postId}#reply-${reply.id}`);
      },
    }),
  );

  const askModel = async (req: Request) => {
    // A form sent back (link in the body) re-renders with its values: a module chosen, or a
    // milestone the curriculum no longer has, shows the list again; only ?milestone= is a 404.
    const raw = (req.body as { link?: unknown } | undefined)?.link;
    const sent = typeof raw === 'string';
    const milestoneId = sent ? /^milestone:(.+)$/.exec(raw)?.[1] : milestoneQuery.parse(req.query).milestone;
    const found = milestoneId ? curriculum().milestoneById.get(milestoneId) : undefined;
    if (milestoneId && !found && !sent) throw new NotFound('There is no such milestone.');
    const link = found ? { moduleId: found.module.id, milestoneId: found.milestone.id } : null;
    const mine = (await circles.list(manager, req.user)).filter((c) => c.member);
    return {
      pageTitle: 'Ask your circle for feedback',
      circles: mine,
      milestone: found && link ? { ...linkView(curriculum(), link), value: linkValue(link) } : null,
      title: found ? `Feedback on my draft for “${found.milestone.title}”` : '',
      needsConduct: !(await posts.hasAcceptedConduct(manager, req.user!.id)),
      linkGroups: linkOptions(curriculum()),
    };
  };
  router.get('/circles/ask-feedback', async (req, res) => {
    const model = await askModel(req);
    res.render('circles/ask-feedback', {
      ...model,
      values: { title: model.title, link: model.milestone?.value ?? '' },
      errors: {},
    });
  });
  // The milestone page's evidence form can send its draft here instead of to the coach.
  router.post('/circles/ask-feedback/draft', async (req, res) => {
    const model = await askModel(req);
    const { body } = draftForm.parse(req.body ?? {});
    const values = { title: model.title, body, link: model.milestone?.value ?? '' };
    res.render('circles/ask-feedback', { ...model, values, errors: {} });
  });
  router.post(
    '/circles/ask-feedback',
    handleForm({
      view: 'circles/ask-feedback',
      schema: askFeedbackForm,
      model: askModel,
      submit: async (req, res, input) => {
        if (input.conduct) await posts.acceptConduct(manager, req.user);
        else if (!(await posts.hasAcceptedConduct(manager, req.user!.id)))
          throw new ValidationFailed({
            conduct: 'Please accept the code of conduct before your first post.',
          });
        await posts.consumePostingPoint(req.user);
        const { circleId, title, body, link } = input;
        const post = await withTransaction(dataSource, (m) =>
          posts.create(m, req.user, circleId, { kind: 'feedback', title, body, link }),
        );
        flash(req, 'success', 'Your circle can see your draft now. Send it to your coach when it is ready.');
        res.redirect(303, `/circles/posts/${post.id}`);
      },
    }),
  );
  return router;
}
