import type { Router } from 'express';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { ChaptersService } from '../admin/chapters.service';
import { CirclesService } from '../circles/circles.service';
import { AttemptLimiter } from '../web/attempt-limiter';
import { CHECK_IN_ATTEMPTS } from '../workshops/check-in-codes';
import { GatheringAttendanceService } from './attendance.service';
import type { FeedSource } from '../workshops/calendar.service';
import { gatheringEventsFor } from './calendar';
import { gatheringsRouter } from './gatherings.router';
import { GatheringsService } from './gatherings.service';
import { RsvpService } from './rsvp.service';

/** Wires the gatherings feature: its services and its own counter of wrong check-in codes. */
export function createGatheringsRouter(
  dataSource: DataSource,
  pool: Pool,
  chapters: ChaptersService,
  baseUrl: string,
): Router {
  const gatherings = new GatheringsService(new CirclesService(), baseUrl);
  const throttle = new AttemptLimiter(pool, {
    prefix: 'gathering_check_in',
    ...CHECK_IN_ATTEMPTS,
    message: 'Too many wrong check-in codes. Please wait {wait}, or ask a host to mark you present.',
  });
  return gatheringsRouter({
    dataSource,
    chapters,
    gatherings,
    rsvps: new RsvpService(gatherings),
    attendance: new GatheringAttendanceService(gatherings, throttle),
    baseUrl,
  });
}

/** The gatherings a person said yes to, for their private calendar feed (shared with workshops). */
export function gatheringFeedSource(baseUrl: string): FeedSource {
  const circles = new CirclesService();
  return (manager, userId) => gatheringEventsFor(manager, circles, baseUrl, userId);
}
