import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { RequestHandler } from 'express';

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'organizer-academy' } });
}

/**
 * Hides secrets that appear in paths and query strings: one-time tokens (invites, resets, setup,
 * join and partner confirmations, introduction answers), the partner's private status link, the
 * unsubscribe link and the private calendar feed's secret. Every log line with a URL goes through this.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&;](?:token|secret|key)=)[^&#;]*/gi, '$1[redacted]')
    .replace(/\/(invites|reset|calendar)\/[^/?#]+/gi, '/$1/[redacted]')
    .replace(
      /^\/(join\/confirm|partners\/confirm|partners\/status|introductions|notifications\/unsubscribe)\/[^/?#]+/i,
      '/$1/[redacted]',
    );
}

/**
 * Structured request logs at `info`: method, redacted URL, status and time; never cookies, bodies or
 * tokens. Below `info` (production often runs at `warn`) pino-http would write nothing yet still build
 * a child logger per request, so it is left out; failures are logged by the error handler.
 */
export function requestLogger(logger: Logger): RequestHandler {
  if (!logger.isLevelEnabled('info')) return (_req, _res, next) => next();
  return pinoHttp({
    logger,
    autoLogging: { ignore: (req) => Boolean(req.url?.startsWith('/static/') || req.url === '/healthz') },
    serializers: {
      req: (req: { method: string; url: string; id: unknown }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
