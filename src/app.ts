import 'reflect-metadata';
import './accounts/session-user';
import express, { type Express, type RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { SessionUser } from './accounts/session-user';
import { takeCelebrations } from './certificates/celebration';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AccountsService } from './accounts/accounts.service';
import { accountsRouter } from './accounts/accounts.router';
import { profileRouter } from './accounts/profile.router';
import { ProfileService } from './accounts/profile.service';
import { setupWaitingCheck } from './accounts/setup-state';
import { InvitesService } from './accounts/invites.service';
import { LoginThrottle, type ThrottleLimits } from './accounts/login-throttle';
import { createPassport, extendRequests, restoreSignedInPerson } from './accounts/passport';
import { setAcademyName, setPasswordHashConcurrency } from './accounts/passwords';
import { readSessionsWithTheirUser } from './accounts/session-with-user';
import { adminRouter } from './admin/admin.router';
import { confirmationsRouter } from './admin/confirmations.router';
import { ChaptersService } from './admin/chapters.service';
import { CohortsService } from './admin/cohorts.service';
import { reportsRouter } from './admin/reports.router';
import { auditLogRouter } from './admin/audit-log.router';
import { auditRefused } from './audit/security-events';
import { AuditLogService } from './admin/audit-log.service';
import { exportsRouter } from './admin/exports.router';
import { ExportsService } from './admin/exports.service';
import { importRouter } from './admin/import.router';
import { ImportService } from './admin/import.service';
import { ReportsService } from './admin/reports.service';
import { ReportRunner } from './admin/report-runner';
import { OutboxService } from './admin/outbox.service';
import { adminCoachingRouter } from './coaching/admin-coaching.router';
import { AssignmentsService } from './coaching/assignments.service';
import { coachRouter } from './coaching/coach.router';
import { organizerRouter } from './coaching/organizer.router';
import { RecordsService } from './coaching/records.service';
import { AttachmentsService } from './coaching/attachments.service';
import { ATTACHMENT_UPLOAD_PATH, attachmentsRouter } from './coaching/attachments.router';
import { SubmissionsService } from './coaching/submissions.service';
import { PeopleService } from './admin/people.service';
import type { Config } from './config';
import type { CurriculumCatalog } from './curriculum/catalog';
import { curriculumRouter } from './curriculum/curriculum.router';
import { ProgressService } from './curriculum/progress.service';
import { SearchService } from './curriculum/search.service';
import { publicDir, viewsDir } from './paths';
import { errorHandler, notFoundHandler } from './web/error-handler';
import { HEALTH_PATHS, healthRouter, type HealthChecks } from './web/health.router';
import { onlyFor } from './web/only-for';
import { cleanBody, parseCleanQuery } from './web/input-boundary';
import { requestLogger } from './web/logger';
import { saveSessionBeforeRedirect } from './web/save-before-redirect';
import { noStoreWhenPrivate, permissionsPolicy, securityHeaders } from './web/security';
import { createSessionMiddleware, enforceAbsoluteLifetime, sessionCookieName } from './web/session';
import { ejsEngine } from './web/view-engine';
import { FORMAT_LOCALS } from './web/format';
import { viewLocals } from './web/view-locals';
import { forgetCachesOnWrite } from './web/forget-on-write';
import { AttemptLimiter } from './web/attempt-limiter';
import { ChangeFeed } from './db/change-feed';
import { createStreamingPool } from './db/streaming-pool';
import { CsvDownloads } from './web/csv-stream';
import { createCertificateServices } from './certificates';
import { certificatesRouter } from './certificates/certificates.router';
import { adminCertificatesRouter } from './certificates/admin-list.router';
import { PUBLIC_CERTIFICATE_PATHS, publicCertificatesRouter } from './certificates/public.router';
import { VerificationCounter } from './certificates/verification-counter';
import { didDocumentAppPath } from './certificates/credentials';
import { isOpenDocumentRequest, openDocumentPaths, openToOtherOrigins } from './certificates/open-documents';
import { AttendanceService } from './workshops/attendance.service';
import { CHECK_IN_ATTEMPTS } from './workshops/check-in-codes';
import { CalendarService } from './workshops/calendar.service';
import { workshopsRouter } from './workshops/workshops.router';
import { WorkshopsService } from './workshops/workshops.service';
import { NotificationsService } from './notifications/notifications.service';
import { notificationsRouter } from './notifications/notifications.router';
import { unreadCountLocals } from './notifications/unread-count';
import { createCirclesRouter, modulePeers } from './circles';
import { AskEscalations } from './circles/ask-escalations';
import { FellowshipReport } from './circles/fellowship-report';
import { createDoorsRouter } from './doors';
import { addressLimit } from './web/address-limit';
import { createGatheringsRouter, gatheringFeedSource } from './gatherings';
import { createDirectoryRouters, PUBLIC_DIRECTORY_PATHS } from './directory';
import { chapterPageSlots } from './directory/slot-sources';
import { createProjectsRouters } from './projects';
import { ALL_SIDES_MEASURES } from './projects/all-sides';
import { allSidesRouter } from './admin/all-sides.router';

export interface AppDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  catalog: CurriculumCatalog;
  throttleLimits?: ThrottleLimits;
  /** Seconds between deletions of expired sessions; false turns pruning off (tests). */
  sessionPruneSeconds?: number | false;
  /** What /healthz and /readyz also report (the server's database supervision and drain). */
  health?: HealthChecks;
}

export interface App extends Express {
  /** Stops the app's own timers and connections (session pruning, change feed); the DataSource belongs to the caller. */
  closeResources(): Promise<void>;
  /** Writes buffered certificate view counts now (tests, shutdown). */
  flushCounters(): Promise<void>;
}

/** Builds the Express app without listening: the server and the tests both use it. */
export function createApp({
  config,
  dataSource,
  logger,
  catalog,
  throttleLimits,
  sessionPruneSeconds = 900,
  health,
}: AppDeps): App {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  setPasswordHashConcurrency(config.passwordHashConcurrency);
  setAcademyName(config.issuerName);
  const accounts = new AccountsService(new LoginThrottle(pool, throttleLimits), config.baseUrl);
  const invites = new InvitesService(config.baseUrl);
  const passport = createPassport(dataSource, accounts);
  const sessions = createSessionMiddleware(config, pool, {
    pruneIntervalSeconds: sessionPruneSeconds,
    logger,
  });
  const downloads = new CsvDownloads(createStreamingPool(pool.options, config.exportConnections), {
    connections: config.exportConnections,
    stallMs: config.exportStallMs,
    logger,
  });
  const feed = new ChangeFeed(pool.options, logger, { heartbeatMs: config.changeFeedHeartbeatMs });
  feed.start();
  // Sessions are kept in memory only where pages are (production's view cache; tests turn it on).
  readSessionsWithTheirUser(sessions.store, pool, { feed, enabled: () => app.enabled('view cache') });
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : req.get('x-csrf-token');
    },
  });

  const app = express() as unknown as App;
  app.disable('x-powered-by');
  extendRequests(app.request, passport);
  // Hashing every dynamic page for an ETag cost more than the rare 304 saved; cached pages set their own.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  // One input boundary: control characters (NUL among them) are removed from every query and body.
  app.set('query parser', parseCleanQuery);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  if (config.env === 'production') app.enable('view cache');
  app.engine('ejs', ejsEngine(viewsDir, app.enabled('view cache')));
  Object.assign(app.locals, FORMAT_LOCALS);

  app.use(securityHeaders(config.secureCookies));
  // Verifiers and wallets on any origin read credentials, keys and status lists, without cookies.
  const openDocuments = openDocumentPaths(didDocumentAppPath(config.baseUrl));
  app.use(openToOtherOrigins(openDocuments));
  app.use(permissionsPolicy);
  app.use(requestLogger(logger));
  app.use(
    '/static',
    express.static(publicDir, { maxAge: config.env === 'production' ? '1d' : 0, index: false }),
  );
  app.use(onlyFor(HEALTH_PATHS, healthRouter(dataSource, undefined, health)));
  app.use(forgetCachesOnWrite(feed, new Set(['/verify'])));

  const parseForms = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 });
  // /verify reads its own body (forms, uploads and JSON), all held to the credential size cap.
  app.use((req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD' || req.path === '/verify'
      ? next()
      : parseForms(req, res, next),
  );
  app.use(cleanBody);
  // Public pages anonymous visitors load most need no session: without a session cookie, skip the
  // session machinery, which would otherwise make (and hash) an id per request only to drop it.
  // None of these pages shows a form to anonymous visitors, so no CSRF token (which needs a session) is made.
  const sessionCookie = `${sessionCookieName(config)}=`;
  const unlessAnonymousRead =
    (handler: RequestHandler): RequestHandler =>
    (req, res, next) =>
      isOpenDocumentRequest(req, openDocuments) ||
      ((req.method === 'GET' || req.method === 'HEAD') &&
        !req.headers.cookie?.includes(sessionCookie) &&
        (req.path.startsWith('/tracks/') ||
          req.path.startsWith('/c/') ||
          PUBLIC_DIRECTORY_PATHS.test(req.path)))
        ? next()
        : handler(req, res, next);
  app.use(unlessAnonymousRead(sessions.middleware));
  app.use(saveSessionBeforeRedirect(logger));
  app.use(unlessAnonymousRead(restoreSignedInPerson(dataSource)));
  app.use(unlessAnonymousRead(enforceAbsoluteLifetime(config.sessionMaxMs)));
  app.use(noStoreWhenPrivate);
  // Checking a pasted credential changes nothing, so partners need neither a session nor a token.
  // The bulk import form is multipart: its router checks the token after parsing the body.
  // One-click unsubscribes (RFC 8058) come from mail clients: the link's signed token is the proof.
  const csrfLater = new Set(['/verify', '/admin/import']);
  app.use((req, res, next) =>
    req.method === 'POST' &&
    (csrfLater.has(req.path) ||
      req.path.startsWith('/notifications/unsubscribe/') ||
      ATTACHMENT_UPLOAD_PATH.test(req.path))
      ? next()
      : csrfSynchronisedProtection(req, res, next),
  );
  app.use(viewLocals((req) => generateToken(req)));
  const notifications = new NotificationsService(config.sessionSecret);
  app.use(unreadCountLocals(dataSource, notifications, { feed, enabled: () => app.enabled('view cache') }));

  const progress = new ProgressService(() => catalog.current());
  const people = new PeopleService();
  const chapters = new ChaptersService();
  const cohorts = new CohortsService();
  const workshops = new WorkshopsService(() => catalog.current(), config.baseUrl);
  const assignments = new AssignmentsService(config.baseUrl);
  const { keys, lists, certificates, verification, badges, hooks } = createCertificateServices(config, () =>
    catalog.current(),
  );
  progress.useHooks(hooks);
  const counter = new VerificationCounter(dataSource);
  const submissions = new SubmissionsService(() => catalog.current(), progress, config.baseUrl);
  // One per-address budget for every anonymous page (certificates, directory, doors, opportunities,
  // talent listing): an address gets PUBLIC_RATE_LIMIT_PER_MINUTE in all, not that much per feature.
  const publicLimit = addressLimit({
    name: 'public',
    perMinute: config.publicRateLimitPerMinute,
    inFlight: 8,
  });
  // The pages the public loads most come first: Express tries every router in order, so a request
  // for a certificate or a module page does not walk the routes of every other feature first.
  app.use(
    onlyFor(
      PUBLIC_CERTIFICATE_PATHS,
      publicCertificatesRouter({
        dataSource,
        catalog,
        certificates,
        keys,
        lists,
        verification,
        badges,
        counter,
        feed,
        limited: publicLimit,
        verifyLimits: config.verifyLimits,
      }),
    ),
  );
  // The public chapter directory, chapter pages and story feeds (and the chapter page editor).
  const directory = createDirectoryRouters(
    dataSource,
    config,
    feed,
    publicLimit,
    chapterPageSlots(dataSource.manager),
  );
  app.use(onlyFor(/^\/(chapters|admin\/chapters\/[^/]+\/page$)/, directory.publicRouter));
  app.use(
    curriculumRouter({
      dataSource,
      catalog,
      progress,
      search: new SearchService(),
      curriculumPublic: config.curriculumPublic,
      curriculumDir: config.curriculumDir,
      feed,
      setupWaiting: setupWaitingCheck(dataSource),
      peers: modulePeers(dataSource, () => catalog.current(), {
        feed,
        enabled: () => app.enabled('view cache'),
      }),
    }),
  );
  // Circles are read by members many times a day: right after the curriculum, and their router only
  // for /circles paths. The stories router reads a story's publication state for the post page,
  // then passes on: before the circles router.
  app.use(directory.storiesRouter);
  app.use(
    onlyFor(
      /^\/circles(\/|$)/,
      createCirclesRouter(
        dataSource,
        pool,
        config.curriculumDir,
        { curriculum: () => catalog.current(), baseUrl: config.baseUrl },
        { feed, enabled: () => app.enabled('view cache') },
      ),
    ),
  );
  app.use(accountsRouter({ dataSource, accounts, invites, passport, logger }));
  const profiles = new ProfileService(config.baseUrl);
  app.use(profileRouter({ dataSource, profiles, accounts }));
  const attachments = new AttachmentsService(config.attachments);
  app.use(
    attachmentsRouter({
      dataSource,
      attachments,
      limits: config.attachments,
      csrfProtection: csrfSynchronisedProtection,
    }),
  );
  const coachingDeps = {
    dataSource,
    catalog,
    progress,
    assignments,
    submissions,
    records: new RecordsService(() => catalog.current()),
    stalledAfterDays: config.stalledAfterDays,
    attachments,
    celebrations: (m: EntityManager, actor: SessionUser | undefined) =>
      takeCelebrations(m, actor, catalog.current(), config.baseUrl, keys.issuer.name),
  };
  app.use(organizerRouter(coachingDeps));
  app.use(
    workshopsRouter({
      dataSource,
      catalog,
      chapters,
      workshops,
      attendance: new AttendanceService(
        workshops,
        progress,
        new AttemptLimiter(pool, {
          prefix: 'check_in',
          ...CHECK_IN_ATTEMPTS,
          message:
            'Too many wrong check-in codes. Please wait {wait}, or ask a facilitator to mark you present.',
        }),
      ),
      calendar: new CalendarService([gatheringFeedSource(config.baseUrl)]),
      baseUrl: config.baseUrl,
    }),
  );
  const askEscalations = new AskEscalations(config.baseUrl, config.circleAskEscalateHours);
  app.use(
    coachRouter({
      ...coachingDeps,
      feed,
      waitingAsks: (m, actor) => askEscalations.waitingForCoach(m, actor),
    }),
  );
  app.use(notificationsRouter({ dataSource, notifications }));
  app.use(
    createDoorsRouter({
      dataSource,
      pool,
      invites,
      baseUrl: config.baseUrl,
      sessionSecret: config.sessionSecret,
      publicLimit,
    }),
  );
  app.use(createGatheringsRouter(dataSource, pool, chapters, config.baseUrl));
  app.use(
    createProjectsRouters({
      dataSource,
      pool,
      chapters,
      baseUrl: config.baseUrl,
      secret: config.sessionSecret,
      publicLimit,
    }),
  );
  app.use(certificatesRouter({ dataSource, catalog, certificates, people, keys }));
  app.use(adminCertificatesRouter({ dataSource, catalog, certificates, chapters, cohorts }));
  app.use(adminCoachingRouter({ dataSource, catalog, people, assignments, submissions }));
  app.use(confirmationsRouter({ dataSource, catalog, workshops }));
  app.use(
    adminRouter({
      dataSource,
      people,
      chapters,
      cohorts,
      invites,
      outbox: new OutboxService(),
      mailConfigured: Boolean(config.smtpUrl),
      profiles,
      assignments,
    }),
  );

  const reports = new ReportsService(() => catalog.current(), config.stalledAfterDays);
  const runner = new ReportRunner(dataSource, reports, {
    concurrency: config.reportConcurrency,
    // The pool's client gives up at DB_QUERY_TIMEOUT_MS (+1 s): a longer statement_timeout would
    // leave an abandoned report running in PostgreSQL, so the database stops it first.
    timeoutMs: Math.min(config.reportTimeoutMs, config.dbQueryTimeoutMs),
    cacheMs: config.reportCacheMs,
    fellowship: new FellowshipReport(),
  });
  app.use(allSidesRouter({ dataSource, runner, chapters, measures: ALL_SIDES_MEASURES }));
  app.use(
    reportsRouter({
      dataSource,
      catalog,
      reports,
      runner,
      cacheMs: config.reportCacheMs,
      chapters,
      cohorts,
    }),
  );
  app.use(
    exportsRouter({
      dataSource,
      downloads,
      catalog,
      exportsService: new ExportsService(config.baseUrl),
      chapters,
      cohorts,
    }),
  );
  app.use(auditLogRouter({ dataSource, downloads, audit: new AuditLogService(), catalog }));
  app.use(
    importRouter({
      dataSource,
      importer: new ImportService(invites),
      csrfProtection: csrfSynchronisedProtection,
    }),
  );
  app.use(notFoundHandler);
  app.use(
    errorHandler(logger, {
      onRefused: (req, error) =>
        auditRefused(dataSource.manager, {
          actorId: req.user?.id ?? null,
          method: req.method,
          url: req.originalUrl,
          ip: req.ip ?? '',
          error,
        }),
    }),
  );
  app.closeResources = async () => {
    sessions.close();
    await feed.stop();
    await downloads.close();
  };
  app.flushCounters = () => counter.flush();
  return app;
}
