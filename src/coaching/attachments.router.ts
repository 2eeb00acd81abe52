import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { Conflict, ValidationFailed } from '../web/errors';
import { flash } from '../web/flash';
import { requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import type { AttachmentLimits, AttachmentsService } from './attachments.service';
import { EvidenceSubmission } from './coaching.entities';

/** The upload path: multipart, so its CSRF token is checked after parsing (see app.ts). */
export const ATTACHMENT_UPLOAD_PATH = /^\/me\/submissions\/[^/]+\/attachments$/;

/**
 * Evidence files: organizers add and remove them on their evidence page; people who may read the
 * evidence download them. Files are always sent as downloads under a sandboxing CSP, so a file that
 * is HTML or script in disguise can never run in the academy's origin.
 */
export function attachmentsRouter({
  dataSource,
  attachments,
  limits,
  csrfProtection,
}: {
  dataSource: DataSource;
  attachments: AttachmentsService;
  limits: AttachmentLimits;
  csrfProtection: RequestHandler;
}): Router {
  const router = Router();
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  // One more byte than allowed, so "too big" is told by the service with the file's name.
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: limits.maxBytes + 1,
      files: limits.perSubmission,
      fields: 5,
      parts: limits.perSubmission + 5,
    },
  });
  const milestoneOf = async (submissionId: string) =>
    (await dataSource.manager.findOne(EvidenceSubmission, { where: { id: submissionId } }))?.milestoneId;

  router.post(
    '/me/submissions/:id/attachments',
    requireSignedIn,
    (req, res, next) =>
      upload.array('files')(req, res, (error: unknown) => {
        if (
          error instanceof multer.MulterError &&
          (error.code === 'LIMIT_FILE_SIZE' || error.code === 'LIMIT_FILE_COUNT')
        ) {
          // The fields before the file (the form token first) were parsed: the CSRF check still runs.
          res.locals.uploadProblem =
            error.code === 'LIMIT_FILE_SIZE'
              ? `A file is too big: files can be up to ${Math.round(limits.maxBytes / 1024 / 1024)} MB.`
              : `Evidence can carry at most ${limits.perSubmission} files.`;
          return next();
        }
        next(error);
      }),
    csrfProtection,
    async (req, res) => {
      const submissionId = idOf(req);
      const milestoneId = await milestoneOf(submissionId);
      const back = milestoneId ? `/me/milestones/${milestoneId}` : '/me';
      try {
        if (typeof res.locals.uploadProblem === 'string')
          throw new ValidationFailed({ files: res.locals.uploadProblem });
        const files = (req.files as Express.Multer.File[] | undefined) ?? [];
        const added = await tx((m) => attachments.add(m, req.user, submissionId, files));
        flash(req, 'success', added === 1 ? 'The file was attached.' : `${added} files were attached.`);
      } catch (error) {
        if (!(error instanceof ValidationFailed || error instanceof Conflict)) throw error;
        const messages = error instanceof ValidationFailed ? Object.values(error.fieldErrors) : [];
        flash(req, 'error', messages[0] ?? error.message);
      }
      res.redirect(303, `${back}#files-heading`);
    },
  );

  router.post('/me/attachments/:id/delete', requireSignedIn, async (req, res) => {
    const milestoneId = await tx((m) => attachments.remove(m, req.user, idOf(req)));
    flash(req, 'success', 'The file was removed.');
    res.redirect(303, `/me/milestones/${milestoneId}#files-heading`);
  });

  router.get('/attachments/:id', requireSignedIn, async (req, res) => {
    const file = await attachments.open(dataSource.manager, req.user, idOf(req));
    res.set({
      'Content-Type': file.mediaType,
      'Content-Length': String(file.size),
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.attachment(file.filename);
    res.end(file.content);
  });

  return router;
}
