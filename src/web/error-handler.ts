import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isRetryableConflict } from '../db/transaction';
import {
  AppError,
  NotFound,
  NotSignedIn,
  RequestAbandoned,
  ServiceUnavailable,
  TooManyRequests,
  ValidationFailed,
} from './errors';
import { isDatabaseUnavailable, isSchemaMismatch, wouldLeaveNoAcademyAdmin } from './database-errors';
import { navigationFor } from './view-locals';
import { redactUrl } from './logger';
import { QueryFailedError } from 'typeorm';

interface ErrorView {
  status: number;
  title: string;
  message: string;
}

/** Errors from Express's own middleware (body parser, CSRF) that carry a safe 4xx status. */
function httpClientError(error: unknown): ErrorView | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, code, type } = error as { status?: unknown; code?: unknown; type?: unknown };
  if (code === 'EBADCSRFTOKEN') {
    return {
      status: 403,
      title: 'This form has expired',
      message:
        'The form was open too long or came from another site. Go back, reload the page and try again.',
    };
  }
  // multer refuses an upload it cannot take (a file under another field name, too many parts...)
  // with a MulterError that carries no status: the client's mistake, not ours.
  if (error instanceof Error && error.name === 'MulterError') {
    return code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE'
      ? { status: 413, title: 'Too much data', message: 'The file is too large. Shorten it and try again.' }
      : {
          status: 400,
          title: 'Bad request',
          message: 'The upload could not be understood. Choose the file again and retry.',
        };
  }
  // busboy (under multer) reports a cut-off or malformed multipart body with a plain Error.
  if (error instanceof Error && BUSBOY_ERRORS.test(error.message)) {
    return {
      status: 400,
      title: 'Bad request',
      message: 'The upload arrived incomplete or malformed. Choose the file again and retry.',
    };
  }
  if (type === 'entity.too.large') {
    return {
      status: 413,
      title: 'Too much data',
      message: 'What you sent is too large. Shorten it and try again.',
    };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      title: 'Bad request',
      message: 'The request could not be understood. Please try again.',
    };
  }
  return undefined;
}

const BUSBOY_ERRORS =
  /^(Unexpected end of (form|file)|Malformed part header|Multipart: Boundary not found|Malformed urlencoded form|Malformed content type|Unsupported content type|Missing Content-Type)/;

/**
 * Database refusals caused by what was sent, not by our code: a form naming a row that does not
 * exist (foreign key), a value PostgreSQL cannot hold. Services check ids first; this is the net.
 */
function databaseClientError(error: unknown): ErrorView | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const code = (error.driverError as { code?: string }).code;
  if (code === '23503') {
    return {
      status: 409,
      title: 'That clashes with something already saved',
      message: 'Something this form refers to no longer exists. Reload the page and try again.',
    };
  }
  if (code === '22021' || code === '22P02' || code === '22001' || code === '54001') {
    return {
      status: 400,
      title: 'Bad request',
      message: 'Some of what you sent cannot be stored. Check the text for unusual characters and retry.',
    };
  }
  return undefined;
}

function describe(error: unknown): ErrorView | undefined {
  if (error instanceof AppError) return { status: error.status, title: error.title, message: error.message };
  if (wouldLeaveNoAcademyAdmin(error))
    return {
      status: 409,
      title: 'That clashes with something already saved',
      message:
        'At least one active admin of the whole academy must remain; make someone else an academy-wide admin first.',
    };
  if (isRetryableConflict(error))
    return {
      status: 503,
      title: 'Busy',
      message: 'Many changes to the same records arrived at once. Nothing was saved; please try again.',
    };
  if (isDatabaseUnavailable(error) || isSchemaMismatch(error)) {
    const unavailable = new ServiceUnavailable();
    return { status: unavailable.status, title: unavailable.title, message: unavailable.message };
  }
  return httpClientError(error) ?? databaseClientError(error);
}

function wantsJson(req: Parameters<RequestHandler>[0]): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';
}

/** Retry-After on every 503: the database is down or restarting, usually briefly. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 30;

/** Longest address kept for "back to where you were" after sign-in; encoded, it triples in a header. */
const MAX_RETURN_PATH = 2_000;

function returnPath(originalUrl: string, path: string): string {
  if (originalUrl.length <= MAX_RETURN_PATH) return originalUrl;
  return path.length <= MAX_RETURN_PATH ? path : '/';
}

/** The 404 for every path no router answered. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());

/**
 * The one place that chooses a status and a page for an error. Unknown errors are logged and shown
 * as a plain 500 page: no stack traces, no SQL.
 */
export function errorHandler(
  logger: Logger,
  { onRefused }: { onRefused?: (req: Request, error: unknown) => Promise<void> } = {},
): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof RequestAbandoned) {
      logger.debug(
        { url: redactUrl(req.originalUrl) },
        'client left before the work began; nothing was done',
      );
      return void res.destroy();
    }
    if (error instanceof NotSignedIn && req.method === 'GET' && !wantsJson(req)) {
      return res.redirect(303, `/login?next=${encodeURIComponent(returnPath(req.originalUrl, req.path))}`);
    }
    const known = describe(error);
    const view = known ?? {
      status: 500,
      title: 'Something went wrong',
      message: 'An unexpected error happened on our side. It has been logged; please try again.',
    };
    const url = redactUrl(req.originalUrl);
    if (isSchemaMismatch(error))
      logger.error(
        { err: error, url },
        'the database schema is newer than this process (a rolling upgrade migrated it); answered 503: replace this process',
      );
    else if (!known || view.status >= 500) logger.error({ err: error, url }, 'request failed');
    else if (error instanceof Error && !(error instanceof AppError))
      logger.warn({ url, reason: error.message }, 'request refused');
    if (view.status === 403 && onRefused) {
      onRefused(req, error).catch((auditError: unknown) =>
        logger.warn({ err: auditError, url }, 'could not audit a refused request'),
      );
    }
    if (error instanceof TooManyRequests) res.set('Retry-After', String(error.retryAfterSeconds));
    else if (isRetryableConflict(error)) res.set('Retry-After', '1');
    else if (view.status === 503) res.set('Retry-After', String(RETRY_AFTER_UNAVAILABLE_SECONDS));
    res.status(view.status);
    if (wantsJson(req)) {
      const fieldErrors = error instanceof ValidationFailed ? error.fieldErrors : undefined;
      return res.json({ error: view.title, message: view.message, status: view.status, fieldErrors });
    }
    // Layout values may be missing when the error came before they were set (e.g. the session store failed).
    const layoutDefaults = {
      nav: navigationFor(undefined),
      currentUser: null,
      flash: [],
      csrfToken: () => '',
    };
    res.render(
      'errors/error',
      { ...layoutDefaults, ...res.locals, ...view, pageTitle: view.title },
      (renderError, html) => {
        if (renderError) {
          logger.error({ err: renderError }, 'error page failed to render');
          return res.type('text/plain').send(`${view.title}\n\n${view.message}\n`);
        }
        res.send(html);
      },
    );
  };
}
