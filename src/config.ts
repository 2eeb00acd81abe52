import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths';

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
  CURRICULUM_PUBLIC: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  CURRICULUM_DIR: z.string().min(1).default('curriculum'),
  STALLED_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  ISSUER_NAME: z.string().trim().min(1).max(200).default('Organizer Academy'),
  PUBLIC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  EXPORT_CONNECTIONS: z.coerce.number().int().min(1).max(20).default(2),
  EXPORT_STALL_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
  REPORT_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(2),
  REPORT_TIMEOUT_SECONDS: z.coerce.number().min(0.05).max(600).default(20),
  REPORT_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
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
  curriculumPublic: boolean;
  curriculumDir: string;
  stalledAfterDays: number;
  /** The organisation named as issuer on every certificate. */
  issuerName: string;
  /** Requests per minute one address may make to the public certificate pages, per app process. */
  publicRateLimitPerMinute: number;
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
}>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the session secret from the data dir, creating it on first start so restarts keep sessions. */
function sessionSecretFromDataDir(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

function readableSecret(dataDir: string): string {
  try {
    return sessionSecretFromDataDir(dataDir);
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
    curriculumPublic: e.CURRICULUM_PUBLIC,
    curriculumDir: path.resolve(projectRoot, e.CURRICULUM_DIR),
    stalledAfterDays: e.STALLED_AFTER_DAYS,
    issuerName: e.ISSUER_NAME,
    publicRateLimitPerMinute: e.PUBLIC_RATE_LIMIT_PER_MINUTE,
    exportConnections: e.EXPORT_CONNECTIONS,
    exportStallMs: Math.round(e.EXPORT_STALL_SECONDS * 1000),
    reportConcurrency: e.REPORT_CONCURRENCY,
    reportTimeoutMs: Math.round(e.REPORT_TIMEOUT_SECONDS * 1000),
    reportCacheMs: e.REPORT_CACHE_SECONDS * 1000,
  });
}
