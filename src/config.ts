import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_VERIFY_LIMITS, type VerifyLimits } from './certificates/verify-limits';
import { projectRoot } from './paths';
import { secretFromDataDir } from './web/secret-files';
import type { HttpTimeouts } from './web/http-server';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** TRUST_PROXY is a hop count or a list of addresses/subnets; `true` would trust any X-Forwarded-For. */
const trustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): number | string[] | false => {
    if (value === undefined || value === '' || value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    if (value === 'true') {
      ctx.addIssue({
        code: 'custom',
        message: 'must not be "true" (that trusts every client); give a hop count like 1 or proxy addresses',
      });
      return z.NEVER;
    }
    return value.split(',').map((part) => part.trim());
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BASE_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://academy.example.org' })
    .optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('.data'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Encrypts the issuer's signing keys in the database; unset: generated into DATA_DIR. */
  ISSUER_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The secret being replaced, only while `npm run keys:rewrap` runs. */
  ISSUER_KEY_SECRET_PREVIOUS: z.string().min(1).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(120),
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 7),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAIL_FROM: z.string().default('Organizer Academy <no-reply@localhost>'),
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.enum(logLevels).default('info'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
  DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  SHUTDOWN_ACCEPT_MS: z.coerce.number().int().min(0).default(500),
  CHANGE_FEED_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(20000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(120000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(60000),
  CURRICULUM_PUBLIC: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  CURRICULUM_DIR: z.string().min(1).default('curriculum'),
  STALLED_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ISSUER_NAME: z.string().trim().min(1).max(200).default('Organizer Academy'),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  VERIFY_MAX_KB: z.coerce.number().int().min(16).max(4096).default(256),
  VERIFY_TIME_BUDGET_MS: z.coerce.number().int().min(200).max(60_000).default(4000),
  VERIFY_WORKER_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  ISSUER_EMAIL: z
    .email({ message: 'must be an email address such as academy@example.org' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ISSUER_LOGO_URL: z
    .url({
      protocol: /^https?$/,
      message: 'must be an http(s) URL of an image, such as https://example.org/logo.png',
    })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ATTACHMENT_MAX_MB: z.coerce.number().min(0.01).max(100).default(10),
  ATTACHMENTS_PER_SUBMISSION: z.coerce.number().int().min(0).max(20).default(5),
  ATTACHMENT_QUOTA_MB: z.coerce.number().min(0).max(100_000).default(200),
  EXPORT_CONNECTIONS: z.coerce.number().int().min(1).max(20).default(2),
  EXPORT_STALL_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
  REPORT_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(2),
  REPORT_TIMEOUT_SECONDS: z.coerce.number().min(0.05).max(600).default(20),
  REPORT_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  CIRCLE_ASK_ESCALATE_HOURS: z.coerce.number().int().min(1).max(720).default(48),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  issuerKeySecret: string | undefined;
  issuerKeySecretPrevious: string | undefined;
  sessionSecret: string;
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** Password hashes (sign-in, new passwords) computed at once per process; each takes 19 MiB. */
  passwordHashConcurrency: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  trustProxy: number | string[] | false;
  logLevel: (typeof logLevels)[number];
  dbPoolMax: number;
  dbConnectTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Longest a query may run (server-side statement_timeout; the client gives up soon after). */
  dbQueryTimeoutMs: number;
  /** How long a shutting-down server keeps accepting connections (readiness already 503). */
  shutdownAcceptMs: number;
  /** How often the change feed checks its listening connection. */
  changeFeedHeartbeatMs: number;
  http: HttpTimeouts;
  curriculumPublic: boolean;
  curriculumDir: string;
  stalledAfterDays: number;
  /** The organisation named as issuer on every certificate. */
  issuerName: string;
  /** Requests per minute one address may make to the public certificate pages, per app process. */
  publicRateLimitPerMinute: number;
  /** What one credential check may cost: size, JSON-LD work, time (see verify-limits.ts). */
  verifyLimits: VerifyLimits;
  /** Worker threads for the JSON-LD work of verifying, per app process. */
  verifyWorkerThreads: number;
  /** The issuer's contact address, shown in credentials when set. */
  issuerEmail: string | undefined;
  /** The issuer's logo in credentials (issuer.image): ISSUER_LOGO_URL, or the bundled logo. */
  issuerLogoUrl: string;
  /** Evidence files: largest file, files per submission, and all of one person's files together. */
  attachments: Readonly<{ maxBytes: number; perSubmission: number; quotaBytes: number }>;
  /** Streamed CSV downloads at once per process; each holds a connection of its own small pool. */
  exportConnections: number;
  /** A download whose client accepts nothing for this long is cut off (and logged). */
  exportStallMs: number;
  /** Reports computed at once per process (each on one connection of the main pool). */
  reportConcurrency: number;
  /** PostgreSQL cancels a report query running longer than this (statement_timeout). */
  reportTimeoutMs: number;
  /** How long a computed report view is reused for the same filter; 0 turns the cache off. */
  reportCacheMs: number;
  /** An ask with no reply for this many hours is shown to the asker's coach and the circle's hosts. */
  circleAskEscalateHours: number;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function readableSecret(dataDir: string): string {
  try {
    return secretFromDataDir(dataDir, 'session-secret');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
    throw new ConfigError([
      `DATA_DIR: cannot write ${dataDir} (${reason}); point DATA_DIR to a writable folder`,
    ]);
  }
}

/**
 * Parses and validates the environment once. Throws ConfigError listing every problem.
 * Tests pass their own env object instead of process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(projectRoot, e.DATA_DIR);
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    databaseUrl: e.DATABASE_URL,
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? readableSecret(dataDir),
    issuerKeySecret: e.ISSUER_KEY_SECRET,
    issuerKeySecretPrevious: e.ISSUER_KEY_SECRET_PREVIOUS,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
    passwordHashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    dbPoolMax: e.DB_POOL_MAX,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    dbQueryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
    shutdownAcceptMs: e.SHUTDOWN_ACCEPT_MS,
    changeFeedHeartbeatMs: e.CHANGE_FEED_HEARTBEAT_MS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
    },
    curriculumPublic: e.CURRICULUM_PUBLIC,
    curriculumDir: path.resolve(projectRoot, e.CURRICULUM_DIR),
    stalledAfterDays: e.STALLED_AFTER_DAYS,
    issuerName: e.ISSUER_NAME,
    publicRateLimitPerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
    verifyLimits: Object.freeze({
      ...DEFAULT_VERIFY_LIMITS,
      maxBytes: e.VERIFY_MAX_KB * 1024,
      timeBudgetMs: e.VERIFY_TIME_BUDGET_MS,
    }),
    verifyWorkerThreads: e.VERIFY_WORKER_THREADS,
    issuerEmail: e.ISSUER_EMAIL,
    issuerLogoUrl: e.ISSUER_LOGO_URL ?? `${baseUrl}/static/img/issuer-logo.png`,
    attachments: Object.freeze({
      maxBytes: Math.round(e.ATTACHMENT_MAX_MB * 1024 * 1024),
      perSubmission: e.ATTACHMENTS_PER_SUBMISSION,
      quotaBytes: Math.round(e.ATTACHMENT_QUOTA_MB * 1024 * 1024),
    }),
    exportConnections: e.EXPORT_CONNECTIONS,
    exportStallMs: Math.round(e.EXPORT_STALL_SECONDS * 1000),
    reportConcurrency: e.REPORT_CONCURRENCY,
    reportTimeoutMs: Math.round(e.REPORT_TIMEOUT_SECONDS * 1000),
    reportCacheMs: e.REPORT_CACHE_SECONDS * 1000,
    circleAskEscalateHours: e.CIRCLE_ASK_ESCALATE_HOURS,
  });
}
