import { Router, type Request, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { Chapter } from '../accounts/chapter.entity';
import { withTransaction } from '../db/transaction';
import { addressKey } from '../web/address-key';
import { flash } from '../web/flash';
import { handleForm, parseForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import { INTENTS, PARTNER_KINDS } from './door.entities';
import { answerForm, joinForm, partnerForm } from './doors.schemas';
import { caughtByHoneypot, FormGuard, HONEYPOT_FIELD } from '../web/form-guard';
import type { IntroductionsService } from './introductions.service';
import { INTENT_LABELS, type JoinService } from './join.service';
import type { DoorLimits } from './limits';
import { STATUS_LABELS, type PartnersService } from './partners.service';
import { OTHER_COUNTRIES, STATE_CODES, US_STATES } from './places';

export interface PublicDoorsDeps {
  dataSource: DataSource;
  join: JoinService;
  partners: PartnersService;
  introductions: IntroductionsService;
  joinLimits: DoorLimits;
  partnerLimits: DoorLimits;
  /** Signs the time each form was served (the session secret). */
  secret: string;
  /** The public per-address rate limit every anonymous page gets. */
  limited: RequestHandler;
}

const stateOptions = STATE_CODES.map((code) => ({ value: code, label: US_STATES[code].name }));
const countryOptions = OTHER_COUNTRIES.map((c) => ({ value: c.code, label: c.name }));
const KIND_LABELS = { government: 'Government', nonprofit: 'Nonprofit', company: 'Company', other: 'Other' };
const token = (req: Request) => String(req.params.token);

/** The stamp purpose of the join and partner forms (see FormGuard). */
export const DOORS_FORM_PURPOSE = 'doors-form-start';

/** The public doors: the join form, the partner form, their confirmations, status and introduction links. */
export function publicDoorsRouter(deps: PublicDoorsDeps): Router {
  const { dataSource, join, partners, introductions, limited, secret } = deps;
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const guard = { honeypot: HONEYPOT_FIELD };
  const stamps = new FormGuard(secret, DOORS_FORM_PURPOSE);

  const joinModel = () => ({
    pageTitle: 'Join or start a group',
    states: stateOptions,
    countries: countryOptions,
    intents: INTENTS.map((value) => ({ value, label: INTENT_LABELS[value] })),
    formStarted: stamps.sign(),
    guard,
  });
  const sent = { pageTitle: 'Check your email' };

  router.get('/join', limited, (_req, res) =>
    res.render('doors/join', { ...joinModel(), values: {}, errors: {} }),
  );
  const submitJoin = handleForm({
    view: 'doors/join',
    schema: joinForm,
    model: joinModel,
    submit: async (req, res, input) => {
      stamps.check((req.body as Record<string, unknown>).formStarted);
      await deps.joinLimits.consume(addressKey(req.ip), input.email);
      await tx((m) => join.submit(m, input));
      res.render('doors/sent', sent);
    },
  });
  router.post('/join', limited, (req, res, next) =>
    // A bot filled the hidden field: answered like a success, nothing stored, nothing sent.
    caughtByHoneypot(req.body) ? res.render('doors/sent', sent) : submitJoin(req, res, next),
  );
  router.get('/join/confirm/:token', limited, async (req, res) => {
    const { name } = await join.pending(manager, token(req));
    res.render('doors/confirm', {
      pageTitle: 'Confirm your request',
      lead: `Hello ${name}: one click and your request goes to the nearest chapter.`,
      action: `/join/confirm/${token(req)}`,
    });
  });
  router.post('/join/confirm/:token', limited, async (req, res) => {
    const { chapterName } = await tx((m) => join.confirm(m, token(req)));
    res.render('doors/join-confirmed', { pageTitle: 'Request confirmed', chapterName });
  });

  const partnerModel = async () => ({
    pageTitle: 'Bring us a problem or ask for advice',
    chapters: (await manager.find(Chapter, { order: { name: 'ASC' } })).map((c) => ({
      value: c.id,
      label: c.name,
    })),
    states: stateOptions,
    kinds: PARTNER_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })),
    formStarted: stamps.sign(),
    guard,
  });
  router.get('/partners/request', limited, async (_req, res) =>
    res.render('doors/partner', { ...(await partnerModel()), values: {}, errors: {} }),
  );
  const submitPartner = handleForm({
    view: 'doors/partner',
    schema: partnerForm,
    model: partnerModel,
    submit: async (req, res, input) => {
      stamps.check((req.body as Record<string, unknown>).formStarted);
      await deps.partnerLimits.consume(addressKey(req.ip), input.contactEmail);
      await tx((m) => partners.submit(m, input));
      res.render('doors/sent', sent);
    },
  });
  router.post('/partners/request', limited, (req, res, next) =>
    caughtByHoneypot(req.body) ? res.render('doors/sent', sent) : submitPartner(req, res, next),
  );
  router.get('/partners/confirm/:token', limited, async (req, res) => {
    const { organisation } = await partners.pending(manager, token(req));
    res.render('doors/confirm', {
      pageTitle: 'Confirm your request',
      lead: `One click and ${organisation}'s request goes to the chapter.`,
      action: `/partners/confirm/${token(req)}`,
    });
  });
  router.post('/partners/confirm/:token', limited, async (req, res) => {
    const { statusToken, chapterName } = await tx((m) => partners.confirm(m, token(req)));
    flash(
      req,
      'success',
      `Confirmed. Your request went to ${chapterName ?? 'the academy'}. Keep this page's address: it is your private status link (we emailed it too).`,
    );
    res.redirect(303, `/partners/status/${statusToken}`);
  });
  router.get('/partners/status/:token', limited, async (req, res) => {
    const { request, history } = await partners.byStatusToken(manager, token(req));
    res.render('doors/status', {
      pageTitle: 'Your request',
      organisation: request.organisation,
      chapterName: request.chapter?.name ?? null,
      status: STATUS_LABELS[request.status],
      need: request.need,
      history,
    });
  });

  router.get('/introductions/:token', limited, async (req, res) => {
    res.render('doors/introduction', {
      pageTitle: 'An introduction',
      intro: await introductions.forToken(manager, token(req)),
      action: `/introductions/${token(req)}`,
    });
  });
  router.post('/introductions/:token', limited, async (req, res) => {
    const { answer } = parseForm(answerForm, req.body);
    const intro = await tx((m) => introductions.answerByToken(m, token(req), answer === 'accept'));
    res.render('doors/introduction', {
      pageTitle: 'An introduction',
      intro,
      action: `/introductions/${token(req)}`,
    });
  });

  router.get('/me/introductions', requireSignedIn, async (req, res) => {
    res.render('doors/my-introductions', {
      pageTitle: 'Introductions',
      intros: await introductions.mine(manager, req.user),
    });
  });
  router.post('/me/introductions/:id', requireSignedIn, async (req, res) => {
    const { answer } = parseForm(answerForm, req.body);
    const intro = await tx((m) => introductions.answerMine(m, req.user, idOf(req), answer === 'accept'));
    flash(
      req,
      'success',
      intro.state === 'connected'
        ? `You are in touch: write to ${intro.otherEmail}.`
        : 'Thank you, your answer is saved.',
    );
    res.redirect(303, '/me/introductions');
  });
  return router;
}
