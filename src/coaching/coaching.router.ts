import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { IsNull } from 'typeorm';
import { z } from 'zod';
import { User } from '../accounts/user.entity';
import type { CurriculumCatalog } from '../curriculum/catalog';
import type { ProgressService } from '../curriculum/progress.service';
import { withTransaction } from '../db/transaction';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import type { AssignmentsService } from './assignments.service';
import { CoachAssignment, SubmissionReview } from './coaching.entities';
import { coachRequestForm, evidenceForm, reviewForm } from './coaching.schemas';
import type { SubmissionsService } from './submissions.service';
import { milestoneInfo, threadModel, waitingText } from './view-models';

interface CoachingRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  progress: ProgressService;
  assignments: AssignmentsService;
  submissions: SubmissionsService;
}

const uuid = z.uuid();
function idOf(req: Request): string {
  const parsed = uuid.safeParse(req.params.id);
  if (!parsed.success) throw new NotFound();
  return parsed.data;
}

export function coachingRouter({
  dataSource,
  catalog,
  progress,
  assignments,
  submissions,
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
      .where('submission.organizer_id = :id AND review.read_by_organizer_at IS NULL', { id: user.id })
      .getMany();
    const tracks = await Promise.all(
      catalog
        .current()
        .tracks.map((track) => progress.trackProgress(manager, user.id, track).then((p) => ({ track, p }))),
    );
    res.render('coaching/me', {
      pageTitle: 'Your progress',
      coach: assignment ? { name: assignment.coach.displayName, email: assignment.coach.email } : null,
      coachRequested: assignment ? false : Boolean(await assignments.openRequest(manager, user.id)),
      isOrganizer: user.role === 'organizer',
      unread: unread.map((review) => ({
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
    const items = threadModel(thread.submissions, thread.reviews);
    const latest = items.at(-1);
    return {
      pageTitle: milestone.title,
      milestone,
      thread: items,
      canSubmit: !latest || latest.status === 'changes_requested' || latest.status === 'withdrawn',
      pending: latest?.status === 'pending' ? latest : undefined,
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
          model.pending ? 'Your evidence was updated.' : 'Your evidence was sent to your coach.',
        );
        res.redirect(303, `/me/milestones/${String(req.params.milestoneId)}`);
      },
    }),
  );

  router.get('/coach', requireRole('coach'), async (req, res) => {
    const coach = req.user!;
    const queue = await submissions.reviewQueue(manager, coach);
    const current = await manager.find(CoachAssignment, {
      where: { coachId: coach.id, endedAt: IsNull() },
      relations: { organizer: true },
    });
    res.render('coaching/dashboard', {
      pageTitle: 'Coaching',
      queue: queue.map((s) => ({
        id: s.id,
        organizer: s.organizer.displayName,
        milestone: milestoneInfo(catalog.current(), s.milestoneId)?.title ?? s.milestoneId,
        waiting: waitingText(s.submittedAt),
      })),
      organizers: current.map((a) => ({ id: a.organizerId, name: (a.organizer as User).displayName })),
    });
  });

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
      thread: threadModel(thread.submissions, thread.reviews),
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
