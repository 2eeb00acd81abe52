import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { idOf } from '../web/params';
import { flash } from '../web/flash';
import { handleForm, showForm } from '../web/forms';
import { requireRole } from '../web/guards';
import type { PeopleService } from '../admin/people.service';
import type { AssignmentsService } from './assignments.service';
import { assignForm, withdrawForm } from './coaching.schemas';
import type { SubmissionsService } from './submissions.service';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { WAITING_SHOWN, waitingForAnAdmin } from './reviewers';
import { milestoneInfo } from './view-models';
import { pagePosition, pagerLinks } from '../web/pager';

interface AdminCoachingDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  people: PeopleService;
  assignments: AssignmentsService;
  submissions: SubmissionsService;
}

/** Admin side of coaching: assigning coaches, the request queue, withdrawing approvals. */
export function adminCoachingRouter({
  dataSource,
  catalog,
  people,
  assignments,
  submissions,
}: AdminCoachingDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  router.use('/admin', requireRole('admin'));

  /** A page of the ranking and its pager links; the form posts back to the same page. */
  const coachPager = async (req: Request, organizerId: string) => {
    const position = pagePosition.parse(req.query);
    const page = await assignments.rankCoaches(manager, req.user, organizerId, position);
    const here = `/admin/people/${organizerId}/coach`;
    return {
      coaches: page.coaches,
      formAction:
        position.after || position.before ? `${here}?${new URLSearchParams(position).toString()}` : here,
      pager: pagerLinks(here, page, position),
    };
  };

  const assignModel = async (req: Request) => {
    const person = await people.get(manager, req.user, idOf(req));
    const current = await assignments.currentAssignment(manager, person.id);
    return {
      pageTitle: `Coach for ${person.displayName}`,
      person,
      current: current
        ? { coach: current.coach.displayName, since: current.startedAt.toISOString().slice(0, 10) }
        : null,
      ...(await coachPager(req, person.id)),
      history: (await assignments.history(manager, person.id)).map((a) => ({
        coach: a.coach?.displayName ?? '',
        from: a.startedAt.toISOString().slice(0, 10),
        to: a.endedAt ? a.endedAt.toISOString().slice(0, 10) : 'now',
        reason: a.endReason ?? '',
      })),
    };
  };
  router.get('/admin/people/:id/coach', showForm('coaching/assign', assignModel));
  router.post(
    '/admin/people/:id/coach',
    handleForm({
      view: 'coaching/assign',
      schema: assignForm,
      model: assignModel,
      submit: async (req, res, input) => {
        await tx((m) => assignments.assign(m, req.user, { organizerId: idOf(req), ...input }));
        flash(req, 'success', 'Coach assigned. Both of them were notified.');
        res.redirect(303, `/admin/people/${idOf(req)}/coach`);
      },
    }),
  );

  router.get('/admin/coach-requests', async (req, res) => {
    const position = pagePosition.parse(req.query);
    const page = await assignments.openRequests(manager, req.user, position);
    const waiting = await waitingForAnAdmin(manager, req.user!);
    res.render('coaching/requests', {
      pageTitle: 'Coach requests',
      waitingShown: WAITING_SHOWN,
      waiting: waiting.map((w) => ({
        id: w.id,
        name: w.submitterName,
        milestone: milestoneInfo(catalog.current(), w.milestoneId)?.title ?? w.milestoneId,
        since: w.submittedAt.toISOString().slice(0, 10),
      })),
      requests: page.requests.map((r) => ({
        organizerId: r.organizerId,
        name: r.name,
        message: r.message,
        since: r.createdAt.toISOString().slice(0, 10),
      })),
      pager: pagerLinks('/admin/coach-requests', page, position),
    });
  });

  router.post('/admin/submissions/:id/withdraw', async (req, res) => {
    const input = withdrawForm.safeParse(req.body);
    if (!input.success) {
      flash(req, 'error', 'Say why the approval is withdrawn.');
      return res.redirect(303, `/coach/submissions/${idOf(req)}`);
    }
    const { keptCertified } = await tx((m) =>
      submissions.withdrawApproval(m, req.user, idOf(req), input.data.reason),
    );
    if (keptCertified)
      flash(
        req,
        'error',
        'The approval was withdrawn, but the milestone stays complete: a certificate for this track was already issued. Revoke it first if it should not stand.',
      );
    else flash(req, 'success', 'The approval was withdrawn; the milestone is open again.');
    res.redirect(303, `/coach/submissions/${idOf(req)}`);
  });

  return router;
}
