import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { PeopleService } from '../admin/people.service';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { withTransaction } from '../db/transaction';
import { fields } from '../web/fields';
import { flash } from '../web/flash';
import { showForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import { Conflict, ValidationFailed } from '../web/errors';
import { nameOnCredential, type CertificatesService } from './certificates.service';
import type { IssuerKeysService } from './issuer-keys.service';
import { dateOnly, statusView } from './view-models';

interface CertificatesRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  certificates: CertificatesService;
  people: PeopleService;
  keys: IssuerKeysService;
}

const revokeForm = z.object({ reason: fields.text('Reason', { max: 500 }) });
const visibilityForm = z.object({ hidden: z.enum(['true', 'false']) });
const issueForm = z.object({ trackId: z.string().min(1).max(200) });

/** Holders' "My certificates" and the admin's issue, re-issue and revoke actions. */
export function certificatesRouter({
  dataSource,
  catalog,
  certificates,
  people,
  keys,
}: CertificatesRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const trackTitle = (trackId: string) => catalog.current().trackById.get(trackId)?.title ?? trackId;

  const rows = async (req: Request, userId: string) =>
    (await certificates.ofPerson(manager, req.user, userId)).map(({ certificate, verifications }) => ({
      id: certificate.id,
      trackTitle: trackTitle(certificate.trackId),
      url: certificates.urlOf(certificate.code),
      path: `/c/${certificate.code}`,
      awarded: dateOnly(certificate.awardedAt),
      issued: dateOnly(certificate.issuedAt),
      hidden: certificate.hidden,
      verifications,
      status: statusView(certificate),
      nameOnCertificate: nameOnCredential(certificate.credential),
    }));

  router.get('/me/certificates', requireSignedIn, async (req, res) => {
    const currentName = req.user!.displayName;
    res.render('certificates/mine', {
      pageTitle: 'Your certificates',
      certificates: (await rows(req, req.user!.id)).map((row) => ({
        ...row,
        offerNewName:
          (row.status.state === 'valid' || row.status.state === 'expired') &&
          row.nameOnCertificate !== currentName,
      })),
      currentName,
    });
  });
  router.post('/me/certificates/:id/reissue', requireSignedIn, async (req, res) => {
    await tx((m) => certificates.reissueWithCurrentName(m, req.user, idOf(req)));
    flash(
      req,
      'success',
      'Your certificate was re-issued with your current name; its award date stays the same.',
    );
    res.redirect(303, '/me/certificates');
  });
  router.post('/me/certificates/:id/visibility', requireSignedIn, async (req, res) => {
    const input = visibilityForm.safeParse(req.body);
    if (!input.success) throw new ValidationFailed({ hidden: 'Choose to hide or show the certificate.' });
    const hidden = input.data.hidden === 'true';
    await tx((m) => certificates.setHidden(m, req.user, idOf(req), hidden));
    flash(
      req,
      'success',
      hidden
        ? 'Your certificate page is hidden: its link now shows “not found”.'
        : 'Your certificate page is public again.',
    );
    res.redirect(303, '/me/certificates');
  });

  const adminModel = async (req: Request) => {
    const person = await people.get(manager, req.user, idOf(req));
    return {
      pageTitle: `Certificates of ${person.displayName}`,
      person,
      certificates: await rows(req, person.id),
      isSelf: person.id === req.user!.id,
      tracks: catalog.current().tracks.map((t) => ({ id: t.id, title: t.title })),
      outcomes: null,
    };
  };
  router.get(
    '/admin/people/:id/certificates',
    requireRole('admin'),
    showForm('certificates/admin', adminModel),
  );
  router.post('/admin/people/:id/certificates/recheck', requireRole('admin'), async (req, res) => {
    const outcomes = await tx((m) => certificates.recheck(m, req.user, idOf(req)));
    res.render('certificates/admin', {
      ...(await adminModel(req)),
      outcomes: outcomes.map((o) => ({ ...o, certificate: undefined })),
      values: {},
      errors: {},
    });
  });
  router.post('/admin/people/:id/certificates/issue', requireRole('admin'), async (req, res) => {
    const input = issueForm.safeParse(req.body);
    if (!input.success) throw new ValidationFailed({ trackId: 'Choose a track.' });
    const outcome = await tx(async (m) => {
      const [result] = (await certificates.recheck(m, req.user, idOf(req))).filter(
        (o) => o.trackId === input.data.trackId,
      );
      return result;
    });
    if (!outcome) throw new ValidationFailed({ trackId: 'There is no such track.' });
    if (outcome.result === 'incomplete')
      throw new Conflict(
        `No certificate yet: still needed (milestones not complete, or an earlier tier's certificate): ${outcome.missing.join('; ')}.`,
      );
    flash(
      req,
      'success',
      outcome.result === 'issued' ? 'Certificate issued.' : 'The person already holds this certificate.',
    );
    res.redirect(303, `/admin/people/${idOf(req)}/certificates`);
  });
  router.get('/admin/issuer', requireRole('admin'), async (req, res) => {
    const overview = await keys.overview(manager, req.user);
    res.render('certificates/issuer', {
      pageTitle: 'Issuer identity and keys',
      ...overview,
      keys: overview.keys.map((key) => ({ ...key, created: dateOnly(key.createdAt) })),
    });
  });
  router.post('/admin/certificates/:id/reissue', requireRole('admin'), async (req, res) => {
    const replacement = await tx((m) => certificates.reissue(m, req.user, idOf(req)));
    flash(req, 'success', 'A new credential was issued; the old one now says “superseded”.');
    res.redirect(303, `/admin/people/${replacement.userId}/certificates`);
  });
  router.post('/admin/certificates/:id/revoke', requireRole('admin'), async (req, res) => {
    const certificate = await certificates.byId(manager, req.user, idOf(req));
    const input = revokeForm.safeParse(req.body);
    if (!input.success) {
      flash(
        req,
        'error',
        'Say why the certificate is revoked (up to 500 characters); it is shown on its page.',
      );
      return res.redirect(303, `/admin/certificates/${certificate.id}/revoke`);
    } else {
      await tx((m) => certificates.revoke(m, req.user, certificate.id, input.data.reason));
      flash(req, 'success', 'The certificate was revoked; its page and the status list say so now.');
    }
    res.redirect(303, `/admin/people/${certificate.userId}/certificates`);
  });

  return router;
}
