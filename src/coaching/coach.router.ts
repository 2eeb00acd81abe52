import { Router, type Request } from 'express';
import { User } from '../accounts/user.entity';
import { withTransaction } from '../db/transaction';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import type { SessionUser } from '../accounts/session-user';
import { SharedCache, type ChangeFeed } from '../db/change-feed';
import { CIRCLE_ASKS_TOPIC, type WaitingAsk } from '../circles/ask-escalations';
import { EvidenceSubmission } from './coaching.entities';
import { isStalled, type OrganizerSummary } from './records.service';
import { reviewForm, sessionForm } from './coaching.schemas';
import { organizerAccess, visibleToFormerCoach } from './coaching.policy';
import { type CoachingRouterDeps, idOf } from './router-shared';
import { milestoneInfo, threadModel, waitingText } from './view-models';

/** The change topic the database notifies when anything a coach dashboard shows changes. */
export const COACHING_TOPIC = 'coaching';

const BODY_REUSE_MS = 60_000;

interface Dashboard {
  queue: Awaited<ReturnType<CoachingRouterDeps['submissions']['reviewQueue']>>;
  summaries: OrganizerSummary[];
}

/** The coach's side: review queue, organizer records, session log and reviews. */
export function coachRouter({
  dataSource,
  catalog,
  progress,
  submissions,
  records,
  stalledAfterDays,
  feed,
  attachments,
  waitingAsks,
}: CoachingRouterDeps & { feed: ChangeFeed }): Router {
  const router = Router();
  const manager = dataSource.manager;
  // In production a coach's dashboard data is kept in memory until evidence, completions, reads,
  // assignments or an organizer's name or sign-in change anywhere (the database's change notice).
  const dashboards = new SharedCache<Dashboard>(feed, COACHING_TOPIC, { max: 1_000, ttlMs: 60_000 });
  const dashboardOf = (req: Request, coach: SessionUser): Promise<Dashboard> => {
    const load = async () => {
      const [queue, summaries] = await Promise.all([
        submissions.reviewQueue(manager, coach),
        records.summariesForCoach(manager, coach.id),
      ]);
      return { queue, summaries };
    };
    const key = `${coach.id}|${catalog.current().version}`;
    return req.app.enabled('view cache') ? dashboards.get(key, load) : load();
  };
  // Circle asks waiting for help: kept apart, until a post or reply changes anywhere (their own notice)
  // or a minute passes (an ask crosses the waiting threshold with time alone).
  const asksCache = new SharedCache<WaitingAsk[]>(feed, CIRCLE_ASKS_TOPIC, { max: 1_000, ttlMs: 60_000 });
  const waitingAsksOf = (req: Request, coach: SessionUser): Promise<WaitingAsk[]> => {
    if (!waitingAsks) return Promise.resolve([]);
    const load = () => waitingAsks(manager, coach);
    // Keyed by chapter too: a coach moved to another chapter no longer reads the old one's circles.
    const key = `${coach.id}|${coach.chapterId ?? ''}`;
    return req.app.enabled('view cache') ? asksCache.get(key, load) : load();
  };
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);

  /** The dashboard's tables; waiting times and "stalled" depend on the clock, read at render time. */
  const bodyModel = ({ queue, summaries }: Dashboard) => ({
    stalledAfterDays,
    queue: queue.map((s) => ({
      id: s.id,
      organizer: s.organizerName,
      milestone: milestoneInfo(catalog.current(), s.milestoneId)?.title ?? s.milestoneId,
      waiting: waitingText(s.submittedAt),
    })),
    trackTitle: catalog.current().tracks[0].title,
    organizers: summaries.map((o) => ({
      ...o,
      lastActivity: o.lastActivity ? o.lastActivity.toISOString().slice(0, 10) : 'never',
      stalled: isStalled(o.lastActivity, stalledAfterDays),
    })),
  });
  // A cached dashboard's tables are rendered once and reused for up to a minute (the clock-dependent
  // texts change by the day); uncached data (development, tests) is a new object, rendered each time.
  const bodies = new WeakMap<Dashboard, { html: string; at: number }>();
  const renderBody = (req: Request, dashboard: Dashboard) =>
    new Promise<string>((resolve, reject) => {
      const kept = bodies.get(dashboard);
      if (kept && Date.now() - kept.at < BODY_REUSE_MS) return resolve(kept.html);
      req.app.render('coaching/dashboard-body', bodyModel(dashboard), (error, html) => {
        if (error) return reject(error);
        bodies.set(dashboard, { html, at: Date.now() });
        resolve(html);
      });
    });

  router.get('/coach', requireRole('coach'), async (req, res) => {
    const body = await renderBody(req, await dashboardOf(req, req.user!));
    const asks = await waitingAsksOf(req, req.user!);
    res.render('coaching/dashboard', {
      pageTitle: 'Coaching',
      body,
      waitingAsks: asks.map((a) => ({ ...a, waiting: waitingText(a.createdAt) })),
    });
  });

  const recordModel = async (req: Request) => {
    const organizerId = idOf(req);
    const access = await organizerAccess(manager, req.user, organizerId);
    const organizer = await manager.findOneBy(User, { id: organizerId });
    if (!organizer) throw new NotFound('That organizer does not exist.');
    const visible = await visibleToFormerCoach(manager, access, req.user, organizerId);
    const all = (
      await manager.find(EvidenceSubmission, {
        where: { organizerId },
        order: { submittedAt: 'DESC' },
      })
    ).filter((s) => visible(s.submittedAt));
    // Newest first: keep the first (latest) attempt seen for each milestone.
    const latest = all.filter(
      (s, index) => all.findIndex((other) => other.milestoneId === s.milestoneId) === index,
    );
    return {
      pageTitle: organizer.displayName,
      organizer: { id: organizer.id, name: organizer.displayName, email: organizer.email },
      readOnly: access === 'former-coach',
      canLog: access === 'coach' || access === 'admin',
      tracks: await Promise.all(
        catalog.current().tracks.map(async (track) => {
          const p = await progress.trackProgress(manager, organizerId, track);
          return { title: track.title, completed: p.completed, total: p.total };
        }),
      ),
      evidence: latest.map((s) => ({
        id: s.id,
        title: milestoneInfo(catalog.current(), s.milestoneId)?.title ?? s.milestoneId,
        status: s.status,
        submittedAt: s.submittedAt.toISOString().slice(0, 10),
      })),
      sessions: await records.sessions(manager, req.user, organizerId),
      today: new Date().toISOString().slice(0, 10),
    };
  };
  router.get('/coach/organizers/:id', requireSignedIn, async (req, res) => {
    if (req.user!.id === req.params.id) return res.redirect(303, '/me');
    res.render('coaching/organizer', { ...(await recordModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/coach/organizers/:id/sessions',
    requireSignedIn,
    handleForm({
      view: 'coaching/organizer',
      schema: sessionForm,
      model: recordModel,
      submit: async (req, res, input) => {
        await tx((m) => records.logSession(m, req.user, idOf(req), input));
        flash(req, 'success', 'Session logged.');
        res.redirect(303, `/coach/organizers/${idOf(req)}`);
      },
    }),
  );

  const reviewModel = async (req: Request) => {
    const { submission, access } = await submissions.find(manager, req.user, idOf(req));
    if (access === 'self') throw new NotFound();
    const thread = await submissions.thread(
      manager,
      req.user,
      submission.organizerId,
      submission.milestoneId,
    );
    return {
      pageTitle: 'Review evidence',
      organizer: submission.organizer.displayName,
      milestone: milestoneInfo(catalog.current(), submission.milestoneId),
      thread: threadModel(
        thread.submissions,
        thread.reviews,
        attachments
          ? await attachments.of(
              manager,
              thread.submissions.map((s) => s.id),
            )
          : undefined,
      ),
      submission: { id: submission.id, revision: submission.revision, status: submission.status },
      canReview: submission.status === 'pending' && (access === 'coach' || access === 'admin'),
      canWithdraw: submission.status === 'approved' && access === 'admin',
    };
  };
  router.get('/coach/submissions/:id', requireSignedIn, async (req, res) => {
    res.render('coaching/review', { ...(await reviewModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/coach/submissions/:id/review',
    requireSignedIn,
    handleForm({
      view: 'coaching/review',
      schema: reviewForm,
      model: reviewModel,
      submit: async (req, res, input) => {
        const submission = await tx((m) => submissions.review(m, req.user, idOf(req), input));
        flash(
          req,
          'success',
          submission.status === 'approved'
            ? 'Approved: the milestone is signed off.'
            : 'Your feedback was sent.',
        );
        res.redirect(303, req.user!.role === 'coach' ? '/coach' : `/coach/submissions/${submission.id}`);
      },
    }),
  );

  return router;
}
