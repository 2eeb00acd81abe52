import { Router, type RequestHandler } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { InvitesService } from '../accounts/invites.service';
import { adminDoorsRouter } from './admin.router';
import { IntroductionsService } from './introductions.service';
import { JoinService } from './join.service';
import { DoorLimits } from './limits';
import { PartnersService } from './partners.service';
import { publicDoorsRouter } from './public.router';

export interface DoorsDeps {
  dataSource: DataSource;
  pool: Pool;
  invites: InvitesService;
  baseUrl: string;
  sessionSecret: string;
  /** The per-address limit shared by every anonymous page. */
  publicLimit: RequestHandler;
}

/** Wires the open doors: services, the form limits, the public and admin routers. */
export function createDoorsRouter(deps: DoorsDeps): Router {
  const join = new JoinService(deps.baseUrl, deps.invites);
  const partners = new PartnersService(deps.baseUrl);
  const introductions = new IntroductionsService(deps.baseUrl, partners);
  const router = Router();
  router.use(
    publicDoorsRouter({
      dataSource: deps.dataSource,
      join,
      partners,
      introductions,
      joinLimits: new DoorLimits(deps.pool, 'join'),
      partnerLimits: new DoorLimits(deps.pool, 'partner'),
      secret: deps.sessionSecret,
      limited: deps.publicLimit,
    }),
  );
  router.use(adminDoorsRouter({ dataSource: deps.dataSource, join, partners, introductions }));
  return router;
}
