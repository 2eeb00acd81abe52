import { Router, type Request } from 'express';
import type { DataSource } from 'typeorm';
import type { ChaptersService } from '../admin/chapters.service';
import { renderUserMarkdown } from '../coaching/user-markdown';
import { withTransaction } from '../db/transaction';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm, handleFormOnPage, showForm } from '../web/forms';
import { requireRole, requireSignedIn } from '../web/guards';
import { laterPager } from '../web/pager';
import { idOf } from '../web/params';
import { TIME_ZONES } from '../web/time-zones';
import { checkInIsOpen } from '../workshops/check-in-codes';
import { eventsToIcs } from '../workshops/ics';
import { markingIsOpen, marksFrom } from '../workshops/attendance.rules';
import { checkInForm, walkInForm } from '../workshops/workshops.schemas';
import { checkedInMessage, checkInCodeModel } from '../workshops/view-models';
import { ATTENDANCE_MARKS, type GatheringAttendanceService } from './attendance.service';
import { gatheringForm, gatheringListQuery, rsvpForm } from './gatherings.schemas';
import type { GatheringsService } from './gatherings.service';
import type { RsvpService } from './rsvp.service';
import { gatheringFormValues, gatheringSummary, KIND_OPTIONS, publicSummary } from './view-models';

interface GatheringsRouterDeps {
  dataSource: DataSource;
  chapters: ChaptersService;
  gatherings: GatheringsService;
  rsvps: RsvpService;
  attendance: GatheringAttendanceService;
  baseUrl: string;
}

export function gatheringsRouter(deps: GatheringsRouterDeps): Router {
  const { dataSource, chapters, gatherings, rsvps, attendance, baseUrl } = deps;
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const zoneOf = (req: Request) => chapters.timeZoneOf(manager, req.user!.chapterId);

  router.get('/gatherings', requireSignedIn, async (req, res) => {
    const filter = gatheringListQuery.parse(req.query);
    const [{ gatherings: page, next }, zone, circles] = await Promise.all([
      gatherings.upcoming(manager, req.user, filter),
      zoneOf(req),
      gatherings.circles.list(manager, req.user),
    ]);
    const yes = await rsvps.yesCounts(
      manager,
      page.map((g) => g.id),
    );
    res.render('gatherings/list', {
      pageTitle: 'Gatherings',
      upcoming: page.map((g) => gatheringSummary(g, zone, yes.get(g.id))),
      circles: circles.filter((c) => c.member || c.host).map((c) => ({ value: c.id, label: c.name })),
      circleId: filter.circleId ?? '',
      ...laterPager('/gatherings', { circleId: filter.circleId }, next, filter.after),
      canSchedule: circles.some((c) => c.host),
    });
  });

  const formModel = async (req: Request) => ({
    pageTitle: req.params.id ? 'Edit gathering' : 'Schedule a gathering',
    action: req.params.id ? `/gatherings/${idOf(req)}/edit` : '/gatherings',
    editing: Boolean(req.params.id),
    timeZones: TIME_ZONES,
    kinds: KIND_OPTIONS,
    circles: (await gatherings.circles.list(manager, req.user))
      .filter((c) => c.host)
      .map((c) => ({ value: c.id, label: c.name })),
  });
  router.get('/gatherings/new', requireRole('admin', 'coach'), async (req, res) => {
    const zone = (await zoneOf(req)) ?? 'America/New_York';
    const circleId = typeof req.query.circleId === 'string' ? req.query.circleId : '';
    res.render('gatherings/form', {
      ...(await formModel(req)),
      values: { timeZone: zone, kind: 'hack_night', circleId },
      errors: {},
    });
  });
  router.post(
    '/gatherings',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'gatherings/form',
      schema: gatheringForm,
      model: formModel,
      submit: async (req, res, input) => {
        const gathering = await tx((m) => gatherings.schedule(m, req.user, input));
        flash(req, 'success', 'Gathering scheduled.');
        res.redirect(303, `/gatherings/${gathering.id}`);
      },
    }),
  );

  const showModel = async (req: Request) => {
    const { gathering, circle } = await gatherings.view(manager, req.user, idOf(req));
    const [yes, answer, attended, going, zone] = await Promise.all([
      rsvps.yesCounts(manager, [gathering.id]),
      rsvps.answerOf(manager, gathering.id, req.user!.id),
      attendance.attendanceOf(manager, gathering.id, req.user!.id),
      rsvps.goingNames(manager, gathering.id),
      zoneOf(req),
    ]);
    return {
      pageTitle: gathering.title,
      gathering: gatheringSummary(gathering, zone, yes.get(gathering.id)),
      descriptionHtml: renderUserMarkdown(gathering.description),
      circle: { id: circle.id, name: circle.name, member: circle.member, host: circle.host },
      answer,
      attended: attended?.status ?? null,
      going,
      checkInOpen: checkInIsOpen(gathering),
    };
  };
  // A public gathering shows its public fields to anyone who cannot see its circle; anything else
  // is "not found" for them (anonymous visitors are asked to sign in first, as everywhere).
  router.get('/gatherings/:id', async (req, res, next) => {
    if (req.user) {
      const model = await showModel(req).catch((error: unknown) => {
        if (!(error instanceof NotFound)) throw error;
        return null;
      });
      if (model) return res.render('gatherings/show', { ...model, values: {}, errors: {} });
    }
    const shown = await gatherings.publicView(manager, idOf(req));
    if (shown)
      return res.render('gatherings/public', { pageTitle: shown.title, gathering: publicSummary(shown) });
    if (!req.user) return requireSignedIn(req, res, next);
    throw new NotFound('That gathering does not exist.');
  });

  router.get('/gatherings/:id/edit', requireRole('admin', 'coach'), async (req, res) => {
    const { gathering } = await gatherings.assertCanManage(manager, req.user, idOf(req));
    res.render('gatherings/form', {
      ...(await formModel(req)),
      values: gatheringFormValues(gathering),
      errors: {},
    });
  });
  router.post(
    '/gatherings/:id/edit',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'gatherings/form',
      schema: gatheringForm,
      model: formModel,
      submit: async (req, res, input) => {
        await tx((m) => gatherings.update(m, req.user, idOf(req), input));
        flash(req, 'success', 'Gathering updated.');
        res.redirect(303, `/gatherings/${idOf(req)}`);
      },
    }),
  );
  router.post('/gatherings/:id/cancel', requireRole('admin', 'coach'), async (req, res) => {
    await tx((m) => gatherings.cancel(m, req.user, idOf(req)));
    flash(req, 'success', 'Gathering cancelled; everyone who answered was told.');
    res.redirect(303, `/gatherings/${idOf(req)}`);
  });

  router.post(
    '/gatherings/:id/rsvp',
    requireSignedIn,
    handleForm({
      view: 'gatherings/show',
      schema: rsvpForm,
      model: showModel,
      submit: async (req, res, input) => {
        const answer = await tx((m) => rsvps.answer(m, req.user, idOf(req), input.answer));
        flash(req, 'success', answer === 'yes' ? 'See you there!' : 'Thanks for letting the hosts know.');
        res.redirect(303, `/gatherings/${idOf(req)}`);
      },
    }),
  );

  router.get('/gatherings/:id/calendar.ics', requireSignedIn, async (req, res) => {
    const { gathering } = await gatherings.view(manager, req.user, idOf(req));
    const url = `${baseUrl}/gatherings/${gathering.id}`;
    res
      .type('text/calendar')
      .attachment(`gathering-${gathering.id}.ics`)
      .send(eventsToIcs([{ ...gathering, url }], gathering.title, 'Gatherings'));
  });

  router.get('/gatherings/:id/check-in', requireRole('admin', 'coach'), async (req, res) => {
    const shown = await attendance.checkInCode(manager, req.user, idOf(req));
    const { gathering } = await gatherings.view(manager, req.user, idOf(req));
    res.render('gatherings/check-in-code', {
      pageTitle: `Check-in code: ${gathering.title}`,
      gathering: gatheringSummary(gathering, await zoneOf(req)),
      ...checkInCodeModel(shown, gathering.timeZone),
    });
  });
  // Post/redirect/get both ways, like workshops: a wrong code comes back as a message on the page.
  router.post(
    '/gatherings/:id/check-in',
    requireSignedIn,
    handleFormOnPage({
      schema: checkInForm,
      submit: async (req, input) =>
        checkedInMessage(await attendance.selfCheckIn(manager, req.user, idOf(req), input.code)),
      back: (req) => `/gatherings/${idOf(req)}#check-in-heading`,
    }),
  );

  const sheetModel = async (req: Request) => {
    const rows = await attendance.sheet(manager, req.user, idOf(req));
    const { gathering } = await gatherings.view(manager, req.user, idOf(req));
    return {
      pageTitle: `Attendance: ${gathering.title}`,
      gathering: gatheringSummary(gathering, await zoneOf(req)),
      rows,
      statuses: ATTENDANCE_MARKS,
      markingOpen: markingIsOpen(gathering) && !gathering.cancelledAt,
      viewerId: req.user!.id,
    };
  };
  router.get(
    '/gatherings/:id/attendance',
    requireRole('admin', 'coach'),
    showForm('gatherings/attendance', sheetModel),
  );
  router.post('/gatherings/:id/attendance', requireRole('admin', 'coach'), async (req, res) => {
    const changed = await tx((m) =>
      attendance.mark(m, req.user, idOf(req), marksFrom(req.body, ATTENDANCE_MARKS)),
    );
    flash(
      req,
      'success',
      changed ? `Attendance saved (${changed} ${changed === 1 ? 'change' : 'changes'}).` : 'Nothing changed.',
    );
    res.redirect(303, `/gatherings/${idOf(req)}/attendance`);
  });
  router.post(
    '/gatherings/:id/walk-ins',
    requireRole('admin', 'coach'),
    handleForm({
      view: 'gatherings/attendance',
      schema: walkInForm,
      model: sheetModel,
      submit: async (req, res, input) => {
        const person = await tx((m) => attendance.walkIn(m, req.user, idOf(req), input.email));
        flash(req, 'success', `${person.displayName} was marked present.`);
        res.redirect(303, `/gatherings/${idOf(req)}/attendance`);
      },
    }),
  );

  return router;
}
