import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { renderUserMarkdown } from '../coaching/user-markdown';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { handleForm, parseForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import { identityKey, pageCacheUsable, readerPageCache } from '../web/page-cache';
import { formatRange } from '../web/time-zones';
import type { UpcomingGatherings } from '../gatherings/upcoming-cache';
import type { CirclesService } from './circles.service';
import {
  answerForm,
  editForm,
  lockForm,
  pageQuery,
  postForm,
  reasonForm,
  replyForm,
  topicForm,
} from './circles.schemas';
import type { ModerationService, Target } from './moderation.service';
import type { PostsService } from './posts.service';
import { KIND_LABELS, conductNext, postView, replyView } from './view-models';
import type { Curriculum } from '../curriculum/curriculum.types';
import { linkOptions, linkView } from './curriculum-links';
import { linkMentions, type MentionMap, type MentionsService } from './mentions';

interface CirclesRouterDeps {
  dataSource: DataSource;
  circles: CirclesService;
  posts: PostsService;
  moderation: ModerationService;
  /** The code of conduct's Markdown source, read when asked (it may change on disk). */
  conduct: () => string;
  /** @mentions to link in posts and replies (absent: shown as typed). */
  mentions?: MentionsService;
  /** The curriculum posts may link (absent: posts link nothing). */
  curriculum?: () => Curriculum;
  /** Each circle's next gatherings (kept in memory in production). */
  gatherings: UpcomingGatherings;
}

export function circlesRouter({
  dataSource,
  circles,
  posts,
  moderation,
  conduct,
  mentions,
  curriculum,
  gatherings: upcoming,
}: CirclesRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  router.use('/circles', requireSignedIn);

  const listModel = async (req: Request) => {
    const all = await circles.list(manager, req.user);
    return {
      pageTitle: 'Circles',
      mine: all.filter((c) => c.member),
      hosted: all.filter((c) => !c.member && c.kind !== 'topic'),
      joinable: all.filter((c) => !c.member && c.kind === 'topic'),
      canOpenTopic: req.user!.role === 'admin' && !req.user!.scopeChapterId,
    };
  };
  router.get('/circles', async (req, res) => {
    res.render('circles/index', { ...(await listModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/circles',
    requireRole('admin'),
    handleForm({
      view: 'circles/index',
      schema: topicForm,
      model: listModel,
      submit: async (req, res, input) => {
        const circle = await tx((m) => circles.createTopic(m, req.user, input));
        flash(req, 'success', 'Topic circle opened.');
        res.redirect(303, `/circles/${circle.id}`);
      },
    }),
  );

  router.get('/circles/moderation', async (req, res) => {
    const items = await moderation.queue(manager, req.user);
    res.render('circles/moderation', { pageTitle: 'Moderation queue', items });
  });

  router.get('/circles/conduct', async (req, res) => {
    res.render('circles/conduct', {
      pageTitle: 'Code of conduct',
      conductHtml: renderUserMarkdown(conduct()),
      accepted: await posts.hasAcceptedConduct(manager, req.user!.id),
      next: conductNext(req.query.next),
    });
  });
  router.post('/circles/conduct', async (req, res) => {
    await posts.acceptConduct(manager, req.user);
    flash(req, 'success', 'Thank you. You can post now.');
    res.redirect(303, conductNext((req.body as { next?: unknown } | undefined)?.next));
  });

  // In production a circle's first page, as every member without a hidden post of their own sees
  // it, is rendered once per circle, role and membership (and again when its posts or gatherings
  // change); each reader's name, CSRF token and notifications are put in per request.
  const sharedPages = readerPageCache({ max: 200 });
  router.get('/circles/:id', async (req, res) => {
    const user = req.user!;
    const circle = await circles.access(manager, user, idOf(req));
    const { after } = pageQuery.parse(req.query);
    const page = await posts.page(manager, user, circle, after ?? null);
    const gatherings = await upcoming.inCircle(manager, circle.id, 5);
    const view = 'circles/show';
    const locals = () => ({
      pageTitle: circle.name,
      circle,
      gatherings: gatherings.map((g) => ({
        id: g.id,
        title: g.title,
        when: formatRange(g.startsAt, g.endsAt, g.timeZone),
      })),
      posts: page.posts.map(postView),
      next: page.next && `${page.next.createdAt}~${page.next.id}`,
    });
    if (!page.shared || !pageCacheUsable(req, res)) return res.render(view, locals());
    // Everything the page shows that differs between readers, besides name, token and notifications.
    const key = [
      circle.id,
      user.role,
      user.scopeChapterId ? 'scoped' : 'all',
      circle.kind,
      circle.member ? 'member' : '',
      circle.host ? 'host' : '',
      identityKey(page),
      identityKey(gatherings),
      circle.name,
      circle.description ?? '',
    ].join('|');
    return sharedPages.send(res, { key, version: 'circles', view, role: user.role }, locals, {
      displayName: user.displayName,
      csrfToken: (res.locals.csrfToken as () => string)(),
      unreadNotifications: Number(res.locals.unreadNotifications ?? 0),
    });
  });
  router.post('/circles/:id/join', async (req, res) => {
    await circles.join(manager, req.user, idOf(req));
    flash(req, 'success', 'You joined the circle.');
    res.redirect(303, `/circles/${idOf(req)}`);
  });
  router.post('/circles/:id/leave', async (req, res) => {
    await circles.leave(manager, req.user, idOf(req));
    flash(req, 'success', 'You left the circle.');
    res.redirect(303, '/circles');
  });

  const newPostModel = async (req: Request) => {
    const circle = await circles.access(manager, req.user, idOf(req));
    const linkGroups = curriculum ? linkOptions(curriculum()) : [];
    return { pageTitle: `Post in ${circle.name}`, circle, kinds: KIND_LABELS, linkGroups };
  };
  router.get('/circles/:id/new', async (req, res) => {
    const model = await newPostModel(req);
    const kind = typeof req.query.kind === 'string' ? req.query.kind : 'story';
    if (!(await posts.hasAcceptedConduct(manager, req.user!.id))) {
      const next = encodeURIComponent(`/circles/${model.circle.id}/new?kind=${kind}`);
      return res.redirect(303, `/circles/conduct?next=${next}`);
    }
    res.render('circles/new-post', { ...model, values: { kind }, errors: {} });
  });
  router.post(
    '/circles/:id/posts',
    handleForm({
      view: 'circles/new-post',
      schema: postForm,
      model: newPostModel,
      submit: async (req, res, input) => {
        await posts.consumePostingPoint(req.user);
        const post = await tx((m) => posts.create(m, req.user, idOf(req), input));
        res.redirect(303, `/circles/posts/${post.id}`);
      },
    }),
  );

  const threadModel = async (req: Request) => {
    const thread = await posts.thread(manager, req.user, idOf(req));
    const me = req.user!.id;
    const mentioned: MentionMap = mentions
      ? await mentions.ofPost(manager, thread.post.id)
      : new Map<string, Map<string, string>>();
    const { moduleId, milestoneId } = thread.post;
    return {
      pageTitle: thread.post.title,
      circle: thread.circle,
      post: postView({
        ...thread.post,
        replies: thread.replies.length,
        meToo: thread.meToo,
        answered: !!thread.post.answerReplyId,
      }),
      bodyHtml: renderUserMarkdown(linkMentions(thread.post.body, mentioned.get(''))),
      about: curriculum ? linkView(curriculum(), { moduleId, milestoneId }) : null,
      mine: thread.post.authorId === me,
      authorId: thread.post.authorId,
      locked: !!thread.post.lockedAt,
      answerReplyId: thread.post.answerReplyId,
      meTooByMe: thread.meTooByMe,
      replies: thread.replies.map((r) =>
        replyView({ ...r, body: linkMentions(r.body, mentioned.get(r.id)) }, me),
      ),
    };
  };
  router.get('/circles/posts/:id', async (req, res) => {
    res.render('circles/post', { ...(await threadModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/circles/posts/:id/replies',
    handleForm({
      view: 'circles/post',
      schema: replyForm,
      model: threadModel,
      submit: async (req, res, body) => {
        await posts.consumePostingPoint(req.user);
        const reply = await tx((m) => posts.reply(m, req.user, idOf(req), body));
        res.redirect(303, `/circles/posts/${idOf(req)}#reply-${reply.id}`);
      },
    }),
  );
  router.post('/circles/posts/:id/me-too', async (req, res) => {
    await posts.meToo(manager, req.user, idOf(req));
    res.redirect(303, `/circles/posts/${idOf(req)}`);
  });
  router.post('/circles/posts/:id/answer', async (req, res) => {
    const { replyId } = parseForm(answerForm, req.body);
    await posts.markAnswered(manager, req.user, idOf(req), replyId);
    flash(req, 'success', 'Marked answered. Thank you for closing the loop.');
    res.redirect(303, `/circles/posts/${idOf(req)}`);
  });
  const editModel = async (req: Request) => {
    const { post } = await posts.visiblePost(manager, req.user, idOf(req));
    return { pageTitle: 'Edit post', post: { id: post.id, title: post.title, body: post.body } };
  };
  router.get('/circles/posts/:id/edit', async (req, res) => {
    const model = await editModel(req);
    res.render('circles/edit', { ...model, values: model.post, errors: {} });
  });
  router.post(
    '/circles/posts/:id/edit',
    handleForm({
      view: 'circles/edit',
      schema: editForm,
      model: editModel,
      submit: async (req, res, input) => {
        await tx((m) => posts.edit(m, req.user, idOf(req), input));
        flash(req, 'success', 'Post updated; the earlier text is kept.');
        res.redirect(303, `/circles/posts/${idOf(req)}`);
      },
    }),
  );
  router.post('/circles/posts/:id/lock', async (req, res) => {
    const { locked } = parseForm(lockForm, req.body);
    await tx((m) => moderation.setLocked(m, req.user, idOf(req), locked === 'yes'));
    res.redirect(303, `/circles/posts/${idOf(req)}`);
  });
  router.post('/circles/replies/:id/helped', async (req, res) => {
    const postId = await posts.helped(manager, req.user, idOf(req));
    res.redirect(303, `/circles/posts/${postId}#reply-${idOf(req)}`);
  });

  const postTarget = (req: Request): Promise<Target> => Promise.resolve({ postId: idOf(req), replyId: null });
  const replyTarget = (req: Request) => moderation.targetOfReply(manager, idOf(req));
  for (const [path, target] of [
    ['/circles/posts/:id', postTarget],
    ['/circles/replies/:id', replyTarget],
  ] as const) {
    router.post(`${path}/report`, async (req, res) => {
      const { reason } = parseForm(reasonForm, req.body);
      const where = await target(req);
      await tx((m) => moderation.report(m, req.user, where, reason));
      flash(req, 'success', 'Thank you. The circle’s hosts will look at it.');
      res.redirect(303, `/circles/posts/${where.postId}`);
    });
    router.post(`${path}/hide`, async (req, res) => {
      const { reason } = parseForm(reasonForm, req.body);
      const where = await target(req);
      await tx((m) => moderation.hide(m, req.user, where, reason));
      flash(req, 'success', 'Hidden. The author sees your reason.');
      res.redirect(303, `/circles/posts/${where.postId}`);
    });
  }
  return router;
}
