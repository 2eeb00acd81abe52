import { rehomeCompletions } from './curriculum/progress.service';
import { registerStalledTracks } from './admin/stalled-tracks';
import 'reflect-metadata';
import 'dotenv/config';
import nodemailer from 'nodemailer';
import { createApp } from './app';
import { AccountsService } from './accounts/accounts.service';
import { LoginThrottle } from './accounts/login-throttle';
import { passwordHashLoad } from './accounts/passwords';
import { IssuerKeysService } from './certificates/issuer-keys.service';
import { ConfigError, loadConfig } from './config';
import { CurriculumCatalog } from './curriculum/catalog';
import { InvalidCurriculum } from './curriculum/problems';
import { SearchService } from './curriculum/search.service';
import { connectDatabase } from './db/connect';
import { EmbeddedPostgresError } from './db/embedded-postgres';
import { KeyUnwrapFailed } from './certificates/key-wrap';
import { shutdownGracefully, type Closer } from './lifecycle';
import { OutboxWorker } from './mail/outbox-worker';
import { DigestSender } from './notifications/digest';
import { createCareSweeper } from './circles';
import { NotificationsService } from './notifications/notifications.service';
import type { Say } from './db/postgres-supervisor';
import { createHttpServer } from './web/http-server';
import { createLogger } from './web/logger';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { withTransaction } from './db/transaction';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const catalog = new CurriculumCatalog(config.curriculumDir);
  const say: Say = (level, message, fields) => logger[level](fields ?? {}, message);
  const db = await connectDatabase(config, { migrate: true, say });
  const { dataSource } = db;
  logger.info({ database: db.embedded ? 'embedded' : 'DATABASE_URL' }, 'database ready, migrations applied');

  const issuerKeys = IssuerKeysService.forConfig(config);
  await withTransaction(dataSource, async (manager) => {
    await issuerKeys.ensureKey(manager);
    // Keys stored before they were encrypted at rest are encrypted now.
    const encrypted = await issuerKeys.protectStoredKeys(manager);
    if (encrypted) logger.info({ keys: encrypted }, 'issuer signing keys encrypted at rest');
    // Every process must open the keys with the same secret: find out now, not at the first signing.
    try {
      await issuerKeys.signingKey(manager);
    } catch (error) {
      if (!(error instanceof KeyUnwrapFailed)) throw error;
      throw new ConfigError([
        'ISSUER_KEY_SECRET: the issuer signing keys in this database were sealed with another secret. Give every app process the same ISSUER_KEY_SECRET (or the same DATA_DIR/issuer-key-secret), or use ISSUER_KEY_SECRET_PREVIOUS with `npm run keys:rewrap` to move to a new one.',
      ]);
    }
  });

  const search = new SearchService();
  await search.ensureIndex(dataSource, catalog.current());
  // Completions of milestones that moved to another tier are filed under their new track.
  const rehomed = await db.untimed((untimed) =>
    withTransaction(untimed, (m) => rehomeCompletions(m, catalog.current())),
  );
  if (rehomed) logger.info({ rehomed }, 'completions filed under the tracks their milestones moved to');
  const registered = await db.untimed((untimed) =>
    withTransaction(untimed, (m) => registerStalledTracks(m, catalog.current())),
  );
  if (registered) logger.info({ registered }, 'tracks registered for the stalled list');
  if (config.env === 'development') {
    catalog.onChange((curriculum) => {
      search
        .ensureIndex(dataSource, curriculum)
        .catch((error: unknown) => logger.error({ err: error }, 'search index rebuild failed'));
      withTransaction(dataSource, (m) => rehomeCompletions(m, curriculum)).catch((error: unknown) =>
        logger.error({ err: error }, 're-filing completions failed'),
      );
    });
    catalog.watch(logger);
  }

  let draining = false;
  const app = createApp({
    config,
    dataSource,
    logger,
    catalog,
    health: { problem: () => db.problem(), draining: () => draining },
  });
  const closers: Closer[] = [
    { name: 'curriculum watcher', close: () => catalog.close() },
    { name: 'sessions', close: () => app.closeResources() },
  ];
  if (config.smtpUrl) {
    const worker = new OutboxWorker(
      dataSource,
      nodemailer.createTransport(config.smtpUrl),
      config.mailFrom,
      logger,
    );
    worker.start();
    closers.push({ name: 'outbox worker', close: () => worker.stop() });
  }
  // Digests are queued to the outbox like any email (admins see them there without SMTP).
  const digests = new DigestSender(new NotificationsService(config.sessionSecret), config.baseUrl);
  digests.start(dataSource, logger);
  closers.push({ name: 'digest emails', close: () => digests.stop() });
  const circleCare = createCareSweeper(config);
  circleCare.start(dataSource, logger);
  closers.push({ name: 'circle care', close: () => circleCare.stop() });
  closers.push({ name: 'certificate view counts', close: () => app.flushCounters() });
  closers.push({ name: 'database', close: () => db.close() });

  const server = createHttpServer(app, config.http);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  logger.info({ port: config.port }, 'listening');
  console.log(`Organizer Academy is running at ${config.baseUrl}`);

  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const setupToken = await withTransaction(dataSource, (manager) =>
    new AccountsService(new LoginThrottle(pool), config.baseUrl).issueSetupToken(manager),
  );
  if (setupToken) {
    console.log(
      `No admin exists yet. Create the first admin here (one-time link, valid 24 hours):\n  ${config.baseUrl}/setup?token=${setupToken}`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    draining = true; // /readyz answers 503 from now on
    logger.info({ signal }, 'shutting down');
    shutdownGracefully(server, closers, {
      timeoutMs: config.shutdownTimeoutMs,
      acceptForMs: config.shutdownAcceptMs,
      logger,
      busy: () => {
        const hashing = passwordHashLoad();
        return (
          pool.totalCount > pool.idleCount || pool.waitingCount > 0 || hashing.running + hashing.waiting > 0
        );
      },
    })
      // A database that died and could not be restarted makes the exit non-zero, so it is noticed.
      .then((clean) => process.exit(clean && !db.problem() ? 0 : 1))
      .catch(() => process.exit(1));
  };
  // Importing embedded-postgres installs async-exit-hook's SIGTERM/SIGINT handlers, which exit at
  // once (code 143/130), cutting in-flight requests and stopping the embedded database under them.
  // This process drains first and stops the database last, so only its own handlers may decide.
  // (Not removeAllListeners: under `npm run dev`, tsx's hidden relay handler must stay.)
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof EmbeddedPostgresError ||
    error instanceof InvalidCurriculum
  ) {
    console.error(error.message);
  } else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    console.error(`Port ${loadConfig().port} is already in use; set PORT to another port.`);
  } else {
    console.error('Organizer Academy could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
