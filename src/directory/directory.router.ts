import { Router, type Request, type RequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import { withTransaction } from '../db/transaction';
import { NotFound } from '../web/errors';
import { flash } from '../web/flash';
import { handleForm } from '../web/forms';
import { requireRole } from '../web/guards';
import { idOf } from '../web/params';
import { ATOM_TYPE, storiesAtom } from './atom';
import type { DirectoryService } from './directory.service';
import { chapterPageForm } from './directory.schemas';
import { US_STATE_OPTIONS } from './places';
import { renderToString } from '../web/page-cache';
import type { PublicPages } from './public-pages';
import { publicStories } from './story-lists';
import { chapterPageView, directoryView, storiesPageView, type ChapterPageSlots } from './view-models';

/** Every public path this router serves; app.ts lets anonymous reads of them skip the session. */
export const PUBLIC_DIRECTORY_PATHS = /^\/chapters(\/[a-z0-9-]{2,60}(\/stories(\.atom)?)?)?$/;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const STORIES_ON_PAGE = 5;
const STORIES_LISTED = 50;

interface DirectoryRouterDeps {
  dataSource: DataSource;
  directory: DirectoryService;
  pages: PublicPages;
  /** Anonymous visitors' per-address limit (the one public certificate pages use). */
  publicLimit: RequestHandler;
  baseUrl: string;
  /** What other features add to a chapter's page (gatherings, projects, listed organizers). */
  slots?: (chapterId: string) => Promise<ChapterPageSlots>;
}

/** The public directory of chapters, each chapter's page and stories, and the page editor. */
export function directoryRouter(deps: DirectoryRouterDeps): Router {
  const { dataSource, directory, pages, publicLimit } = deps;
  const router = Router();
  const manager = dataSource.manager;
  const slugOf = (req: Request) => {
    const slug = String(req.params.slug);
    if (!SLUG.test(slug)) throw new NotFound('There is no chapter at this address.');
    return slug;
  };
  /** Anonymous visitors are limited per address; signed-in people are not. */
  const limited: RequestHandler = (req, res, next) => (req.user ? next() : publicLimit(req, res, next));
  const html = (
    req: Request,
    res: Parameters<RequestHandler>[1],
    view: string,
    model: () => Promise<object>,
  ) =>
    pages.send(req, res, async () => ({
      type: 'html',
      text: await renderToString(res, view, { ...(await model()) }),
    }));

  router.get('/chapters', limited, (req, res) =>
    html(req, res, 'directory/index', async () => directoryView(await directory.directory(manager))),
  );
  router.get('/chapters/:slug', limited, (req, res) =>
    html(req, res, 'directory/chapter', async () => {
      const chapter = await directory.publicChapter(manager, slugOf(req));
      const [workshops, stories, slots] = await Promise.all([
        directory.publicWorkshops(manager, chapter.chapterId),
        publicStories(manager, chapter.chapterId, STORIES_ON_PAGE),
        deps.slots?.(chapter.chapterId) ?? Promise.resolve({}),
      ]);
      return chapterPageView(chapter, workshops, stories, slots);
    }),
  );
  router.get('/chapters/:slug/stories', limited, (req, res) =>
    html(req, res, 'directory/stories', async () => {
      const chapter = await directory.publicChapter(manager, slugOf(req));
      return storiesPageView(chapter, await publicStories(manager, chapter.chapterId, STORIES_LISTED));
    }),
  );
  router.get('/chapters/:slug/stories.atom', limited, (req, res) =>
    pages.send(req, res, async () => {
      const chapter = await directory.publicChapter(manager, slugOf(req));
      const stories = await publicStories(manager, chapter.chapterId, STORIES_LISTED);
      const text = storiesAtom({
        baseUrl: deps.baseUrl,
        slug: chapter.slug,
        chapterName: chapter.name,
        stories,
      });
      return { type: ATOM_TYPE, text };
    }),
  );

  // The editor: academy admins, and admins limited to the chapter. First saved from the chapter's id.
  const editModel = async (req: Request) => {
    const { chapter, page } = await directory.editable(manager, req.user, idOf(req));
    return {
      pageTitle: `Public page of ${chapter.name}`,
      chapter,
      page,
      action: `/admin/chapters/${chapter.id}/page`,
      states: US_STATE_OPTIONS,
    };
  };
  const startValues = (model: Awaited<ReturnType<typeof editModel>>) => ({
    slug: model.page?.slug ?? '',
    about: model.page?.about ?? '',
    meetingWhen: model.page?.meetingWhen ?? '',
    meetingWhere: model.page?.meetingWhere ?? '',
    contact: model.page?.contact ?? '',
    links: model.page?.links ?? '',
    listed: !model.page || model.page.listed ? 'yes' : '',
    countryCode: model.chapter.countryCode,
    stateCode: model.chapter.stateCode ?? '',
  });
  router.get('/admin/chapters/:id/page', requireRole('admin'), async (req, res) => {
    const model = await editModel(req);
    res.render('directory/edit', { ...model, values: startValues(model), errors: {} });
  });
  router.post(
    '/admin/chapters/:id/page',
    requireRole('admin'),
    handleForm({
      view: 'directory/edit',
      schema: chapterPageForm,
      model: editModel,
      submit: async (req, res, input) => {
        const page = await withTransaction(dataSource, (m) => directory.save(m, req.user, idOf(req), input));
        flash(req, 'success', 'The chapter’s public page is saved.');
        res.redirect(303, `/chapters/${page.slug}`);
      },
    }),
  );
  router.get('/chapters/:slug/edit', requireRole('admin'), async (req, res) => {
    const chapterId = await directory.chapterIdForEditor(manager, req.user, slugOf(req));
    res.redirect(303, `/admin/chapters/${chapterId}/page`);
  });
  return router;
}
