import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireRole } from '../web/guards';
import { idOf } from '../web/params';
import { NEXT_STATUSES, PARTNER_STATUSES } from './door.entities';
import { introduceForm, moveForm, replyForm } from './doors.schemas';
import type { IntroductionsService } from './introductions.service';
import type { JoinService } from './join.service';
import { STATUS_LABELS, type PartnersService } from './partners.service';
import { placeName } from './places';
import { countDoors } from './side-measures';

export interface AdminDoorsDeps {
  dataSource: DataSource;
  join: JoinService;
  partners: PartnersService;
  introductions: IntroductionsService;
}

/** Admins answer join and partner requests of their scope: invite, reply, close, move, introduce. */
export function adminDoorsRouter({ dataSource, join, partners, introductions }: AdminDoorsDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  router.use(['/admin/requests', '/admin/partner-requests'], requireRole('admin'));

  router.get('/admin/requests', async (req, res) => {
    const requests = await join.list(manager, req.user);
    res.render('doors/admin-requests', {
      pageTitle: 'Join requests',
      requests,
      counts: await countDoors(manager, req.user!.scopeChapterId),
    });
  });
  const requestModel = async (req: Request) => ({
    pageTitle: 'Join request',
    request: await join.get(manager, req.user, idOf(req)),
  });
  router.get('/admin/requests/:id', async (req, res) => {
    res.render('doors/admin-request', { ...(await requestModel(req)), values: {}, errors: {} });
  });
  router.post('/admin/requests/:id/invite', async (req, res) => {
    const email = await tx((m) => join.invite(m, req.user, idOf(req)));
    flash(
      req,
      'success',
      `Invitation sent to ${email}. The request shows them as a member once they accept.`,
    );
    res.redirect(303, `/admin/requests/${idOf(req)}`);
  });
  router.post(
    '/admin/requests/:id/reply',
    handleForm({
      view: 'doors/admin-request',
      schema: replyForm,
      model: requestModel,
      submit: async (req, res, input) => {
        await tx((m) => join.reply(m, req.user, idOf(req), input.message));
        flash(req, 'success', 'Your reply is on its way.');
        res.redirect(303, `/admin/requests/${idOf(req)}`);
      },
    }),
  );
  router.post('/admin/requests/:id/close', async (req, res) => {
    await tx((m) => join.close(m, req.user, idOf(req)));
    flash(req, 'success', 'Request closed.');
    res.redirect(303, '/admin/requests');
  });

  router.get('/admin/partner-requests', async (req, res) => {
    const requests = await partners.list(manager, req.user);
    res.render('doors/admin-partners', {
      pageTitle: 'Partner requests',
      labels: STATUS_LABELS,
      requests: requests.map((r) => ({
        id: r.id,
        organisation: r.organisation,
        kind: r.kind,
        chapterName: r.chapter?.name ?? null,
        status: STATUS_LABELS[r.status],
        deadline: r.deadline,
        confirmedAt: r.confirmedAt!,
      })),
    });
  });
  const partnerModel = async (req: Request) => {
    const { request } = await partners.inScope(manager, req.user, idOf(req));
    const history = await partners.history(manager, request.id);
    return {
      pageTitle: request.organisation,
      request: {
        ...request,
        place: request.nearState
          ? placeName({ countryCode: 'US', stateCode: request.nearState, region: '' })
          : null,
        statusLabel: STATUS_LABELS[request.status],
        chapterName: request.chapter?.name ?? null,
        linkActive: Boolean(request.statusTokenHash),
      },
      moves: [request.status, ...NEXT_STATUSES[request.status]].map((s) => ({
        value: s,
        label: s === request.status ? `${STATUS_LABELS[s]} (keep; add notes only)` : STATUS_LABELS[s],
      })),
      statuses: PARTNER_STATUSES,
      history: history.map((h) => ({
        at: h.createdAt,
        from: STATUS_LABELS[h.fromStatus],
        to: STATUS_LABELS[h.toStatus],
        noteForPartner: h.noteForPartner,
        internalNote: h.internalNote,
        by: h.actor?.displayName ?? '',
      })),
      intros: await introductions.ofRequest(manager, request.id),
      candidates: await introductions.candidates(manager, request.chapterId),
    };
  };
  router.get('/admin/partner-requests/:id', async (req, res) => {
    res.render('doors/admin-partner', { ...(await partnerModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/admin/partner-requests/:id/move',
    handleForm({
      view: 'doors/admin-partner',
      schema: moveForm,
      model: partnerModel,
      submit: async (req, res, input) => {
        await tx((m) => partners.move(m, req.user, idOf(req), input));
        flash(req, 'success', 'Saved; the partner was emailed.');
        res.redirect(303, `/admin/partner-requests/${idOf(req)}`);
      },
    }),
  );
  router.post('/admin/partner-requests/:id/status-link', async (req, res) => {
    const email = await tx((m) => partners.newStatusLink(m, req.user, idOf(req)));
    flash(req, 'success', `A new status link was sent to ${email}; the old one no longer works.`);
    res.redirect(303, `/admin/partner-requests/${idOf(req)}`);
  });
  router.post('/admin/partner-requests/:id/status-link/revoke', async (req, res) => {
    await tx((m) => partners.revokeStatusLink(m, req.user, idOf(req)));
    flash(req, 'success', 'The status link no longer works. You can send a new one at any time.');
    res.redirect(303, `/admin/partner-requests/${idOf(req)}`);
  });
  router.post(
    '/admin/partner-requests/:id/introductions',
    handleForm({
      view: 'doors/admin-partner',
      schema: introduceForm,
      model: partnerModel,
      submit: async (req, res, input) => {
        await tx((m) => introductions.introduce(m, req.user, idOf(req), input));
        flash(req, 'success', 'Introduction sent. Contact details are shared only when both say yes.');
        res.redirect(303, `/admin/partner-requests/${idOf(req)}`);
      },
    }),
  );
  return router;
}
