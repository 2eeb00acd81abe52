import { Router, type Request, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { ChaptersService } from '../admin/chapters.service';
import { withTransaction } from '../db/transaction';
import { addressKey } from '../web/address-key';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireSignedIn } from '../web/guards';
import { idOf } from '../web/params';
import type { TalentContactService } from './contact.service';
import type { OpportunitiesService } from './opportunities.service';
import { boardQuery, contactForm, listingForm, listingQuery } from './public.schemas';
import type { TalentService } from './talent.service';

interface PublicRouterDeps {
  dataSource: DataSource;
  opportunities: OpportunitiesService;
  talent: TalentService;
  contact: TalentContactService;
  chapters: ChaptersService;
  /** The per-address limit shared by every anonymous page (see publicAddressLimit). */
  limited: RequestHandler;
}

/** The opportunities board, the talent listing and its contact form (anyone), and one's own listing. */
export function projectsPublicRouter(deps: PublicRouterDeps): Router {
  const { dataSource, opportunities, talent, contact, chapters } = deps;
  const router = Router();
  const manager = dataSource.manager;
  const tx = <T>(work: Parameters<typeof withTransaction<T>>[1]) => withTransaction(dataSource, work);
  const { limited } = deps;

  router.get('/opportunities', limited, async (req, res) => {
    const query = boardQuery.parse(req.query);
    const page = await opportunities.board(manager, query);
    const keep = new URLSearchParams({
      ...(query.chapterId && { chapterId: query.chapterId }),
      ...(query.state && { state: query.state }),
    });
    res.render('projects/opportunities', {
      pageTitle: 'Opportunities',
      query,
      chapters: await chapters.list(manager),
      roles: page.roles,
      nextHref:
        page.next && `/opportunities?${new URLSearchParams([...keep, ['after', page.next]]).toString()}`,
      firstHref: query.after ? `/opportunities?${keep.toString()}` : null,
      signedIn: !!req.user,
    });
  });
  router.post('/opportunities/:id/interest', requireSignedIn, async (req, res) => {
    const first = await tx((m) => opportunities.interested(m, req.user, idOf(req)));
    flash(
      req,
      'success',
      first ? 'Thank you. The project lead has been told and will get in touch.' : 'You had already said so.',
    );
    res.redirect(303, '/opportunities');
  });

  router.get('/people/listed', limited, async (req, res) => {
    const query = listingQuery.parse(req.query);
    const { people, more } = await talent.listing(manager, query);
    const link = (page: number) =>
      `/people/listed?${new URLSearchParams({ ...(query.chapterId && { chapterId: query.chapterId }), page: String(page) }).toString()}`;
    res.render('projects/talent', {
      pageTitle: 'Find people',
      query,
      chapters: await chapters.list(manager),
      people,
      nextHref: more ? link(query.page + 1) : null,
      previousHref: query.page > 1 ? link(query.page - 1) : null,
    });
  });

  const contactModel = async (req: Request) => ({
    pageTitle: 'Write to an organizer',
    person: await talent.listed(manager, idOf(req)),
    started: contact.stamp(),
  });
  router.get('/people/listed/:id/contact', limited, async (req, res) => {
    res.render('projects/contact', { ...(await contactModel(req)), values: {}, errors: {} });
  });
  router.post(
    '/people/listed/:id/contact',
    limited,
    handleForm({
      view: 'projects/contact',
      schema: contactForm,
      model: contactModel,
      submit: async (req, res, input) => {
        const person = await talent.listed(manager, idOf(req));
        // The limits are consumed before the transaction opens (see TalentContactService.admit).
        if (await contact.admit(person.id, addressKey(req.ip), input))
          await tx((m) => contact.deliver(m, person.id, input));
        res.render('projects/contact-sent', { pageTitle: 'Message sent', person });
      },
    }),
  );

  const listingModel = async (req: Request) => {
    const mine = await talent.mine(manager, req.user);
    return { pageTitle: 'Your listing', ...mine };
  };
  router.get('/account/listing', requireSignedIn, async (req, res) => {
    const model = await listingModel(req);
    res.render('projects/listing', { ...model, values: model.listing ?? {}, errors: {} });
  });
  router.post(
    '/account/listing',
    requireSignedIn,
    handleForm({
      view: 'projects/listing',
      schema: listingForm,
      model: listingModel,
      submit: async (req, res, input) => {
        await tx((m) => talent.optIn(m, req.user, input));
        flash(
          req,
          'success',
          'You are on the listing. Partners can write to you; they never see your address.',
        );
        res.redirect(303, '/account/listing');
      },
    }),
  );
  router.post('/account/listing/remove', requireSignedIn, async (req, res) => {
    await tx((m) => talent.optOut(m, req.user));
    flash(req, 'success', 'You left the listing. Nobody can find or write to you through it now.');
    res.redirect(303, '/account/listing');
  });
  return router;
}
