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
  '57014', // query_canceled: statement_timeout (DB_QUERY_TIMEOUT_MS) passed
]);

const RELEASED_RUNNER_ERRORS = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

/** undefined_column, undefined_table: the schema is not the one this code expects. */
const SCHEMA_MISMATCH_CODES = new Set(['42703', '42P01']);

/**
 * True when a query failed because the schema differs from what this code was built for: during a
 * rolling upgrade, a newer version's migration ran while this (older) process still serves. Such a
 * request is answered 503 (another process can serve it) and logged, rather than a 500.
 */
export function isSchemaMismatch(error: unknown): boolean {
  const code = errorCode(error);
  if (code !== undefined && SCHEMA_MISMATCH_CODES.has(code)) return true;
  // A prepared statement planned before a column was added or dropped under it.
  return (
    code === '0A000' &&
    error instanceof Error &&
    /cached plan must not change result type/.test(error.message)
  );
}

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
  // TypeORM's answer once the connection under a transaction broke (pg released it as unusable).
  if (error instanceof Error && RELEASED_RUNNER_ERRORS.has(error.name)) return true;
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Query read timeout|Client has encountered a connection error/i.test(
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
