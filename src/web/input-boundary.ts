import querystring from 'node:querystring';
import type { RequestHandler } from 'express';

/**
 * C0 control characters and DEL that no form field has a use for. Tab (\t) and newline (\n) stay:
 * multi-line text uses them, and single-line fields refuse line breaks in their own schemas.
 * PostgreSQL cannot store NUL in text at all, so letting it through would turn a typo into a 500.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Deeper than any form the app renders; deeper input is cut off rather than walked. */
const MAX_DEPTH = 8;

/**
 * Cleans one string: CR LF and bare CR become LF (browsers send textarea breaks as CR LF), other
 * control characters except tab are removed.
 */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '');
}

/** Cleans every string in parsed input (form body, query, JSON), keys included, to a bounded depth. */
export function cleanInput(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.map((item) => cleanInput(item, depth + 1));
  const clean: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    clean[cleanText(key)] = cleanInput(item, depth + 1);
  }
  return clean;
}

/** Express's `query parser` setting: the simple (node:querystring) parser, then cleanInput. */
export function parseCleanQuery(text: string): Record<string, unknown> {
  return cleanInput({ ...querystring.parse(text) }) as Record<string, unknown>;
}

/** Middleware cleaning `req.body` once it is parsed (after the urlencoded parser, and after multer). */
export const cleanBody: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined) req.body = cleanInput(req.body);
  next();
};
