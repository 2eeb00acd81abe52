import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import type { ChaptersService } from '../admin/chapters.service';
import type { CurriculumCatalog } from '../curriculum/catalog';
import { renderUserMarkdown } from '../coaching/user-markdown';
import { withTransaction } from '../db/transaction';
import { flash } from '../web/flash';
import { fields } from '../web/fields';
import { handleForm, handleFormOnPage, showForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import { csvLine } from '../web/csv';
import { laterPager } from '../web/pager';
import { idOf } from '../web/params';
import { z } from 'zod';
import { markingIsOpen, type AttendanceService } from './attendance.service';
import type { CalendarService } from './calendar.service';
import { eventsToIcs, workshopsToIcs } from './ics';
import { TIME_ZONES } from '../web/time-zones';
import { checkInIsOpen } from './check-in-codes';
import { ATTENDANCE_STATUSES, type Workshop } from './workshop.entities';
import { checkInForm, walkInForm, workshopFilter, workshopForm } from './workshops.schemas';
import type { WorkshopsService } from './workshops.service';
import {
  checkedInMessage,
  checkInCodeModel,
  workshopFormValues,
  workshopMilestoneOptions,
  workshopSummary,
} from './view-models';
import { marksFrom } from './attendance.rules';

interface WorkshopsRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  chapters: ChaptersService;
  workshops: WorkshopsService;
  attendance: AttendanceService;
  calendar: CalendarService;
  baseUrl: string;
}

const facilitatorForm = z.object({ email: fields.email() });

export function workshopsRouter({
  dataSource,
  catalog,
  chapters,
  workshops,
  attendance,
  calendar,
  baseUrl,
}: WorkshopsRouterDeps): Router {
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);

  router.get('/workshops', requireSignedIn, async (req, res) => {
    const filter = workshopFilter.parse(req.query);
    const [{ workshops: upcoming, next }, past, mine, zone] = await Promise.all([
      workshops.upcoming(manager, filter),
      workshops.past(manager, filter),
      workshops.mine(manager, req.user!.id),
      chapters.timeZoneOf(manager, req.user!.chapterId),
    ]);
    const [counts, attended] = await Promise.all([
      workshops.counts(
        manager,
        [...upcoming, ...past].map((w) => w.id),
      ),
      workshops.attendanceCounts(
        manager,
        past.map((w) => w.id),
      ),
    ]);
    const summary = (w: Workshop) => workshopSummary(w, catalog.current(), counts.get(w.id), zone);
    res.render('workshops/list', {
      pageTitle: 'Workshops',
      filter,
      canCreate: req.user!.role !== 'organizer',
      chapters: await chapters.list(manager),
      milestoneOptions: workshopMilestoneOptions(catalog.current()),
      upcoming: upcoming.map(summary),
      ...laterPager(
        '/workshops',
        { chapterId: filter.chapterId, milestoneId: filter.milestoneId },
        next,
        filter.after,
      ),
      past: past.map((w) => ({ ...summary(w), present: attended.get(w.id)?.present ?? 0 })),
      mine: mine.map(summary),
      hasFeed: await calendar.hasFeed(manager, req.user!.id),
    });
  });

  const formModel = async (req: Request) => ({
    pageTitle: req.params.id ? 'Edit workshop' : 'New workshop',
    action: req.params.id ? `/workshops/${idOf(req)}/edit` : '/workshops',
    timeZones: TIME_ZONES,
    chapters: await chapters.choicesFor(manager, req.user),
    milestoneOptions: workshopMilestoneOptions(catalog.current()),
    selectedMilestones: ([] as string[]).concat(
      (req.body as { milestoneIds?: string | string[] } | undefined)?.milestoneIds ?? [],
    ),
  });
  router.get('/workshops/new', requireRole('admin', 'coach'), async (req, res) => {
    res.render('workshops/form', {
      ...(await formModel(req)),
      values: { timeZone: 'America/New_York', capacity: '20' },
      errors: {},
    });
  });
  router.post(
    '/workshops',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'workshops/form',
      schema: workshopForm,
      model: formModel,
      submit: async (req, res, input) => {
        const workshop = await tx((m) => workshops.create(m, req.user, input));
        flash(req, 'success', 'Workshop scheduled.');
        res.redirect(303, `/workshops/${workshop.id}`);
      },
    }),
  );

  const showModel = async (req: Request) => {
    const workshop = await workshops.get(manager, idOf(req));
    const [counts, registration, attended, facilitators, zone, canManage] = await Promise.all([
      workshops.counts(manager, [workshop.id]),
      workshops.registrationOf(manager, workshop.id, req.user!.id),
      attendance.attendanceOf(manager, workshop.id, req.user!.id),
      workshops.facilitators(manager, workshop.id),
      chapters.timeZoneOf(manager, req.user!.chapterId),
      workshops.assertCanManage(manager, req.user, workshop.id).then(
        () => true,
        () => false,
      ),
    ]);
    return {
      pageTitle: workshop.title,
      workshop: workshopSummary(workshop, catalog.current(), counts.get(workshop.id), zone),
      descriptionHtml: renderUserMarkdown(workshop.description),
      registration: registration?.status ?? null,
      attendance: attended?.status ?? null,
      checkInOpen: checkInIsOpen(workshop),
      facilitators: facilitators.map((f) => ({ id: f.id, name: f.displayName })),
      isFacilitator: facilitators.some((f) => f.id === req.user!.id),
      canManage,
    };
  };
  router.get('/workshops/:id', requireSignedIn, showForm('workshops/show', showModel));

  router.post(
    '/workshops/:id/facilitators',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'workshops/show',
      schema: facilitatorForm,
      model: showModel,
      submit: async (req, res, input) => {
        const person = await tx((m) => workshops.addFacilitator(m, req.user, idOf(req), input.email));
        flash(req, 'success', `${person.displayName} now facilitates this workshop.`);
        res.redirect(303, `/workshops/${idOf(req)}`);
      },
    }),
  );
  router.post(
    '/workshops/:id/facilitators/:userId/remove',
    requireRole('admin', 'coach'),
    async (req, res) => {
      await tx((m) => workshops.removeFacilitator(m, req.user, idOf(req), idOf(req, 'userId')));
      flash(req, 'success', 'Facilitator removed.');
      res.redirect(303, `/workshops/${idOf(req)}`);
    },
  );

  router.get('/workshops/:id/check-in', requireRole('admin', 'coach'), async (req, res) => {
    const workshop = await workshops.get(manager, idOf(req));
    const shown = await attendance.checkInCode(manager, req.user, workshop.id);
    const zone = await chapters.timeZoneOf(manager, req.user!.chapterId);
    res.render('workshops/check-in-code', {
      pageTitle: `Check-in code: ${workshop.title}`,
      workshop: workshopSummary(workshop, catalog.current(), undefined, zone),
      // The room's clock: the workshop's own zone.
      ...checkInCodeModel(shown, workshop.timeZone),
    });
  });
  // Post/redirect/get both ways: a wrong code comes back as a message on the workshop page, so the
  // address bar never shows the check-in URL (the facilitators' code page) to an organizer.
  router.post(
    '/workshops/:id/check-in',
    requireSignedIn,
    handleFormOnPage({
      schema: checkInForm,
      submit: async (req, input) =>
        checkedInMessage(await attendance.selfCheckIn(manager, req.user, idOf(req), input.code)),
      back: (req) => `/workshops/${idOf(req)}#check-in-heading`,
    }),
  );

  router.get('/workshops/:id/edit', requireRole('admin', 'coach'), async (req, res) => {
    await workshops.assertCanManage(manager, req.user, idOf(req));
    const workshop = await workshops.get(manager, idOf(req));
    res.render('workshops/form', {
      ...(await formModel(req)),
      selectedMilestones: workshop.milestoneIds,
      values: workshopFormValues(workshop),
      errors: {},
    });
  });
  router.post(
    '/workshops/:id/edit',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'workshops/form',
      schema: workshopForm,
      model: formModel,
      submit: async (req, res, input) => {
        await tx((m) => workshops.update(m, req.user, idOf(req), input));
        flash(req, 'success', 'Workshop updated.');
        res.redirect(303, `/workshops/${idOf(req)}`);
      },
    }),
  );
  router.post('/workshops/:id/cancel', requireRole('admin', 'coach'), async (req, res) => {
    await tx((m) => workshops.cancel(m, req.user, idOf(req)));
    flash(req, 'success', 'Workshop cancelled; everyone registered was told.');
    res.redirect(303, `/workshops/${idOf(req)}`);
  });

  router.post('/workshops/:id/register', requireSignedIn, async (req, res) => {
    const status = await tx((m) => workshops.register(m, req.user, idOf(req)));
    flash(
      req,
      'success',
      status === 'registered' ? 'You have a seat.' : 'The workshop is full; you are on the waitlist.',
    );
    res.redirect(303, `/workshops/${idOf(req)}`);
  });
  router.post('/workshops/:id/unregister', requireSignedIn, async (req, res) => {
    await tx((m) => workshops.unregister(m, req.user, idOf(req)));
    flash(req, 'success', 'Your registration was cancelled.');
    res.redirect(303, `/workshops/${idOf(req)}`);
  });

  router.get('/workshops/:id/calendar.ics', requireSignedIn, async (req, res) => {
    const workshop = await workshops.get(manager, idOf(req));
    res
      .type('text/calendar')
      .attachment(`workshop-${workshop.id}.ics`)
      .send(workshopsToIcs([workshop], baseUrl, workshop.title));
  });
  router.post('/account/calendar-feed', requireSignedIn, async (req, res) => {
    const token = await tx((m) => calendar.createFeed(m, req.user));
    flash(
      req,
      'success',
      `Your private calendar link (keep it secret; any earlier link stopped working): ${baseUrl}/calendar/${token}.ics`,
    );
    res.redirect(303, '/workshops');
  });
  router.post('/account/calendar-feed/revoke', requireSignedIn, async (req, res) => {
    await tx((m) => calendar.revokeFeed(m, req.user));
    flash(req, 'success', 'Your calendar link was revoked.');
    res.redirect(303, '/workshops');
  });
  // The secret token is the credential: calendar apps cannot sign in.
  router.get('/calendar/:file', async (req, res) => {
    const token = String(req.params.file).replace(/\.ics$/, '');
    const events = await calendar.feedEvents(manager, token, baseUrl);
    res.type('text/calendar').send(eventsToIcs(events, 'Organizer Academy workshops and gatherings'));
  });

  const sheetModel = async (req: Request) => {
    const workshop = await workshops.get(manager, idOf(req));
    return {
      pageTitle: `Attendance: ${workshop.title}`,
      workshop: workshopSummary(workshop, catalog.current()),
      rows: await attendance.sheet(manager, req.user, workshop.id),
      statuses: ATTENDANCE_STATUSES,
      markingOpen: markingIsOpen(workshop),
      viewerId: req.user!.id,
    };
  };
  router.get(
    '/workshops/:id/attendance',
    requireRole('admin', 'coach'),
    showForm('workshops/attendance', sheetModel),
  );
  router.get('/workshops/:id/attendance.csv', requireRole('admin', 'coach'), async (req, res) => {
    const workshop = await workshops.get(manager, idOf(req));
    const rows = await attendance.sheet(manager, req.user, workshop.id);
    const minutes = Math.round((workshop.endsAt.getTime() - workshop.startsAt.getTime()) / 60_000);
    const header = csvLine([
      'person',
      'email',
      'chapter',
      'registration',
      'status',
      'walk-in',
      'marked at (UTC)',
      'check-in time (UTC)',
      'checked in by',
      'workshop minutes',
    ]);
    const lines = rows.map((row) =>
      csvLine([
        row.name,
        row.email,
        row.chapterName,
        row.registration,
        row.status,
        row.walkIn ? 'yes' : 'no',
        row.markedAt?.toISOString() ?? '',
        row.checkedInAt?.toISOString() ?? '',
        row.checkedInAt ? (row.selfCheckIn ? 'code' : 'facilitator') : '',
        minutes,
      ]),
    );
    // A byte-order mark so spreadsheet apps read the UTF-8 names correctly.
    res
      .type('text/csv; charset=utf-8')
      .attachment(`attendance-${workshop.id}.csv`)
      .send('\ufeff' + header + lines.join(''));
  });
  router.post('/workshops/:id/attendance', requireRole('admin', 'coach'), async (req, res) => {
    const { changed, keptCertified } = await tx((m) =>
      attendance.mark(m, req.user, idOf(req), marksFrom(req.body, ATTENDANCE_STATUSES)),
    );
    flash(
      req,
      'success',
      changed ? `Attendance saved (${changed} ${changed === 1 ? 'change' : 'changes'}).` : 'Nothing changed.',
    );
    if (keptCertified.length)
      flash(
        req,
        'error',
        `The workshop milestones stay complete for ${keptCertified.join(', ')}: a certificate was already issued. Revoke it first if it should not stand.`,
      );
    res.redirect(303, `/workshops/${idOf(req)}/attendance`);
  });
  router.post(
    '/workshops/:id/walk-ins',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'workshops/attendance',
      schema: walkInForm,
      model: sheetModel,
      submit: async (req, res, input) => {
        const person = await tx((m) => attendance.walkIn(m, req.user, idOf(req), input.email));
        flash(req, 'success', `${person.displayName} was marked present.`);
        res.redirect(303, `/workshops/${idOf(req)}/attendance`);
      },
    }),
  );

  return router;
}
