import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { ValidationFailed } from '../web/errors';
import { flash } from '../web/flash';
import { cleanBody, cleanText } from '../web/input-boundary';
import { requireRole } from '../web/guards';
import { IMPORT_COLUMNS, type ImportService } from './import.service';
import { formatCount } from '../web/format';

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/**
 * Bulk onboarding. The form is multipart (it can carry a file), so the body is parsed here and the
 * CSRF check runs after parsing instead of in the app-wide middleware.
 */
export function importRouter({
  dataSource,
  importer,
  csrfProtection,
}: {
  dataSource: DataSource;
  importer: ImportService;
  csrfProtection: RequestHandler;
}): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, fieldSize: MAX_FILE_BYTES, files: 1, fields: 10 },
  });
  const page = { pageTitle: 'Bulk invite', columns: IMPORT_COLUMNS };

  router.get('/admin/import', requireRole('admin'), (_req, res) => {
    res.render('admin/import', { ...page, values: {}, errors: {}, plan: null, csv: '' });
  });

  router.post(
    '/admin/import',
    requireRole('admin'),
    upload.single('file'),
    cleanBody,
    csrfProtection,
    async (req, res) => {
      const body = (req.body ?? {}) as { csv?: unknown; step?: unknown };
      const text = cleanText(
        req.file ? req.file.buffer.toString('utf8') : typeof body.csv === 'string' ? body.csv : '',
      );
      try {
        if (!text.trim()) throw new ValidationFailed({ csv: 'Choose a CSV file or paste its contents.' });
        if (body.step === 'import') {
          const result = await withTransaction(dataSource, (m) => importer.run(m, req.user, text));
          flash(
            req,
            'success',
            `${formatCount(result.counts.invite)} invited; ${formatCount(result.counts['has-account'])} already had an account, ` +
              `${formatCount(result.counts['already-invited'])} already had an open invite, ${formatCount(result.counts.error)} rows with errors were skipped.`,
          );
          res.redirect(303, '/admin/invites');
          return;
        }
        const plan = await importer.plan(dataSource.manager, req.user, text);
        res.render('admin/import', { ...page, values: {}, errors: {}, plan, csv: text });
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        res.status(400).render('admin/import', {
          ...page,
          values: { csv: text.slice(0, 20_000) },
          errors: error.fieldErrors,
          plan: null,
          csv: '',
        });
      }
    },
  );

  return router;
}
