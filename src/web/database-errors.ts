import { QueryFailedError } from 'typeorm';

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08006',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string') return code;
  return driverError ? errorCode(driverError) : undefined;
}

/** True when the error means "the database is unreachable" rather than "this query was wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code && CONNECTION_ERROR_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout/i.test(
    message,
  );
}

/** The constraint name of a unique violation, so services can turn it into a friendly message. */
export function uniqueViolation(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' ? (driverError.constraint ?? 'unique') : undefined;
}

/**
 * True when the database refused a change because it would leave no active admin of the whole
 * academy (trigger users_keep_an_academy_admin, checked at commit). Services refuse it first; this
 * turns a rare race into a 409 instead of a 500.
 */
export function wouldLeaveNoAcademyAdmin(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { constraint, driverError } = error as { constraint?: unknown; driverError?: unknown };
  if (constraint === 'users_keep_an_academy_admin') return true;
  return driverError ? wouldLeaveNoAcademyAdmin(driverError) : false;
}
