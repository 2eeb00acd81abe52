import { Router, type Request } from 'express';
import { tracksOpenTo } from '../curriculum/audience';
import { withTransaction } from '../db/transaction';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import { SubmissionReview } from './coaching.entities';
import { markAllFeedbackRead } from './feedback';
import { coachRequestForm, evidenceForm } from './coaching.schemas';
import type { CoachingRouterDeps } from './router-shared';
import { reviewersFor } from './reviewers';
import { milestoneInfo, threadModel } from './view-models';

/** The newest of each milestone's reviews (the list comes newest first). */
function latestPerMilestone(reviews: SubmissionReview[]): SubmissionReview[] {
  const seen = new Set<string>();
  return reviews.filter((review) => {
    const milestoneId = review.submission!.milestoneId;
    if (seen.has(milestoneId)) return false;
    seen.add(milestoneId);
    return true;
  });
}

/** The organizer's side: their progress, coach requests and evidence. */
export function organizerRouter({
  dataSource,
  catalog,
  progress,
  assignments,
  submissions,
  records,
  celebrations,
  attachments,
}: CoachingRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);

  router.get('/me', requireSignedIn, async (req, res) => {
    const user = req.user!;
    const assignment = await assignments.currentAssignment(manager, user.id);
    const unread = await manager
      .createQueryBuilder(SubmissionReview, 'review')
      .innerJoinAndSelect('review.submission', 'submission')
      .where(
        'submission.organizer_id = :id AND review.read_by_organizer_at IS NULL AND review.withdrawn_at IS NULL',
        { id: user.id },
      )
      .orderBy('review.created_at', 'DESC')
      .addOrderBy('review.id', 'DESC')
      .getMany();
    const ownTracks = await tracksOpenTo(manager, catalog.current().tracks, user);
    const tracks = await Promise.all(
      ownTracks.map((track) => progress.trackProgress(manager, user.id, track).then((p) => ({ track, p }))),
    );
    const sessions = await records.sessions(manager, user, user.id);
    const earned = celebrations ? await tx((m) => celebrations(m, user)) : [];
    res.render('coaching/me', {
      pageTitle: 'Your progress',
      earned,
      nextSteps: sessions.filter((session) => session.nextStep).slice(0, 3),
      coach: assignment ? { name: assignment.coach.displayName, email: assignment.coach.email } : null,
      coachRequested: assignment ? false : Boolean(await assignments.openRequest(manager, user.id)),
      isOrganizer: user.role === 'organizer',
      // Newest first, one line per milestone: "changes requested" then "signed off" shows only the latter.
      unread: latestPerMilestone(unread).map((review) => ({
        ...milestoneInfo(catalog.current(), review.submission!.milestoneId)!,
        decision: review.decision,
      })),
      tracks: tracks.map(({ track, p }) => ({
        title: track.title,
        url: `/tracks/${track.id}`,
        completed: p.completed,
        total: p.total,
        next: p.nextStep.module
          ? {
              text: p.nextStep.milestoneTitle ?? `Read “${p.nextStep.module.title}”`,
              url: `/tracks/${track.id}/${p.nextStep.module.id}`,
            }
          : null,
      })),
      values: {},
      errors: {},
    });
  });

  router.post('/me/feedback/read', requireSignedIn, async (req, res) => {
    await tx((m) => markAllFeedbackRead(m, req.user));
    flash(req, 'success', 'All feedback marked read.');
    res.redirect(303, '/me');
  });

  router.post(
    '/me/coach-request',
    requireSignedIn,
    handleForm({
      view: 'coaching/request-sent',
      schema: coachRequestForm,
      model: () => ({ pageTitle: 'Ask for a coach' }),
      submit: async (req, res, input) => {
        await tx((m) => assignments.requestCoach(m, req.user, input.message));
        flash(req, 'success', 'Your request was sent. An admin will assign you a coach.');
        res.redirect(303, '/me');
      },
    }),
  );

  const milestoneModel = async (req: Request) => {
    const milestoneId = String(req.params.milestoneId);
    const milestone = milestoneInfo(catalog.current(), milestoneId);
    if (!milestone) throw new NotFound('There is no such milestone.');
    const thread = await submissions.thread(manager, req.user, req.user!.id, milestoneId);
    const files = attachments
      ? await attachments.of(
          manager,
          thread.submissions.map((s) => s.id),
        )
      : undefined;
    const items = threadModel(thread.submissions, thread.reviews, files);
    const latest = items.at(-1);
    const reviewers = await reviewersFor(manager, req.user!.id);
    return {
      reviewer: reviewers[0]?.as === 'coach' ? 'coach' : reviewers.length ? 'admin' : 'nobody',
      pageTitle: milestone.title,
      milestone,
      thread: items,
      canSubmit: !latest || latest.status === 'changes_requested' || latest.status === 'withdrawn',
      pending: latest?.status === 'pending' ? latest : undefined,
      filesAllowed: Boolean(attachments),
      fileLimits: attachments?.describeLimits(),
    };
  };
  router.get('/me/milestones/:milestoneId', requireSignedIn, async (req, res) => {
    const model = await milestoneModel(req);
    await manager
      .createQueryBuilder()
      .update(SubmissionReview)
      .set({ readByOrganizerAt: () => 'now()' })
      .where('read_by_organizer_at IS NULL AND submission_id IN (:...ids)', {
        ids: model.thread.map((t) => t.id).concat('00000000-0000-0000-0000-000000000000'),
      })
      .execute();
    res.render('coaching/milestone', {
      ...model,
      values: model.pending ? { body: model.pending.body, links: model.pending.links.join('\n') } : {},
      errors: {},
    });
  });
  router.post(
    '/me/milestones/:milestoneId',
    requireSignedIn,
    handleForm({
      view: 'coaching/milestone',
      schema: evidenceForm,
      model: milestoneModel,
      submit: async (req, res, input) => {
        const model = await milestoneModel(req);
        if (model.pending) await tx((m) => submissions.edit(m, req.user, model.pending!.id, input));
        else await tx((m) => submissions.submit(m, req.user, String(req.params.milestoneId), input));
        flash(
          req,
          'success',
          model.pending
            ? 'Your evidence was updated.'
            : model.reviewer === 'coach'
              ? 'Your evidence was sent to your coach.'
              : model.reviewer === 'admin'
                ? 'Your evidence was sent to the admins for review.'
                : 'Your evidence was saved. Nobody else can review it yet, so it waits until someone can.',
        );
        res.redirect(303, `/me/milestones/${String(req.params.milestoneId)}`);
      },
    }),
  );

  return router;
}
