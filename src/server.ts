import 'reflect-metadata';
import 'dotenv/config';
import http from 'node:http';
import nodemailer from 'nodemailer';
import { createApp } from './app';
import { AccountsService } from './accounts/accounts.service';
import { LoginThrottle } from './accounts/login-throttle';
import { passwordHashLoad } from './accounts/passwords';
import { IssuerKeysService, issuerProfile } from './certificates/issuer-keys.service';
import { ConfigError, loadConfig } from './config';
import { CurriculumCatalog } from './curriculum/catalog';
import { InvalidCurriculum } from './curriculum/problems';
import { SearchService } from './curriculum/search.service';
import { connectDatabase } from './db/connect';
import { EmbeddedPostgresError } from './db/embedded-postgres';
import { shutdownGracefully, type Closer } from './lifecycle';
import { OutboxWorker } from './mail/outbox-worker';
import { DigestSender } from './notifications/digest';
import { NotificationsService } from './notifications/notifications.service';
import { createLogger } from './web/logger';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const catalog = new CurriculumCatalog(config.curriculumDir);
  const db = await connectDatabase(config, { migrate: true });
  const { dataSource } = db;
  logger.info({ database: db.embedded ? 'embedded' : 'DATABASE_URL' }, 'database ready, migrations applied');

  await dataSource.transaction((manager) => new IssuerKeysService(issuerProfile(config)).ensureKey(manager));

  const search = new SearchService();
  await search.ensureIndex(dataSource, catalog.current());
  if (config.env === 'development') {
    catalog.onChange((curriculum) => {
      search
        .ensureIndex(dataSource, curriculum)
        .catch((error: unknown) => logger.error({ err: error }, 'search index rebuild failed'));
    });
    catalog.watch(logger);
  }

  const app = createApp({ config, dataSource, logger, catalog });
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
  closers.push({ name: 'certificate view counts', close: () => app.flushCounters() });
  closers.push({ name: 'database', close: () => db.close() });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  logger.info({ port: config.port }, 'listening');
  console.log(`Organizer Academy is running at ${config.baseUrl}`);

  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const setupToken = await dataSource.transaction((manager) =>
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
    logger.info({ signal }, 'shutting down');
    shutdownGracefully(server, closers, {
      timeoutMs: config.shutdownTimeoutMs,
      logger,
      busy: () => {
        const hashing = passwordHashLoad();
        return (
          pool.totalCount > pool.idleCount || pool.waitingCount > 0 || hashing.running + hashing.waiting > 0
        );
      },
    })
      .then((clean) => process.exit(clean ? 0 : 1))
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
