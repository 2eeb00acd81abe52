import type { RequestHandler, Router } from 'express';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChaptersService } from '../admin/chapters.service';
import { AttemptLimiter } from '../web/attempt-limiter';
import { TalentContactService } from './contact.service';
import { OpportunitiesService } from './opportunities.service';
import type { ProjectStatus } from './project.entities';
import { projectsRouter } from './projects.router';
import { ProjectsService } from './projects.service';
import { projectsPublicRouter } from './public.router';
import { TalentService, type ListedPerson } from './talent.service';

/** Messages one sender address may send through the contact form: 5 an hour, across processes. */
export const CONTACT_PER_ADDRESS = { attempts: 5, windowSeconds: 3600 } as const;
/** Messages one listed person may receive: 3 a day, across processes. */
export const CONTACT_PER_RECIPIENT = { attempts: 3, windowSeconds: 86_400 } as const;

export interface ProjectsFeatureDeps {
  dataSource: DataSource;
  pool: Pool;
  chapters: ChaptersService;
  baseUrl: string;
  secret: string;
  /** The per-address limit shared by every anonymous page. */
  publicLimit: RequestHandler;
}

/** Wires projects, opportunities and the talent listing: services, limits and both routers. */
export function createProjectsRouters(deps: ProjectsFeatureDeps): Router[] {
  const { dataSource, pool, chapters, baseUrl } = deps;
  const projects = new ProjectsService(baseUrl);
  const opportunities = new OpportunitiesService(projects, baseUrl);
  const talent = new TalentService();
  const limiter = (prefix: string, limit: { attempts: number; windowSeconds: number }, message: string) =>
    new AttemptLimiter(pool, { prefix, ...limit, blockSeconds: limit.windowSeconds, message });
  const contact = new TalentContactService(
    talent,
    {
      perAddress: limiter(
        'talent-contact-ip',
        CONTACT_PER_ADDRESS,
        'You have sent several messages already. Please wait {wait}.',
      ),
      perRecipient: limiter(
        'talent-contact-to',
        CONTACT_PER_RECIPIENT,
        'This organizer has received several messages today. Please try again in {wait}.',
      ),
    },
    deps.secret,
    baseUrl,
  );
  return [
    projectsRouter({ dataSource, projects, opportunities, chapters }),
    projectsPublicRouter({
      dataSource,
      opportunities,
      talent,
      contact,
      chapters,
      limited: deps.publicLimit,
    }),
  ];
}

/** Certified organizers of a chapter who chose to be listed (for the public chapter page). */
export async function listedTalentOfChapter(
  manager: EntityManager,
  chapterId: string,
): Promise<ListedPerson[]> {
  return (await new TalentService().listing(manager, { chapterId, page: 1 })).people;
}

export interface PublicProject {
  id: string;
  name: string;
  partner: string;
  problem: string;
  status: ProjectStatus;
  links: string[];
  peopleHelped: number | null;
  unit: string | null;
  openRoles: number;
}

/** A chapter's public projects with their latest "people helped", active first (for the public chapter page). */
export async function publicProjectsOfChapter(
  manager: EntityManager,
  chapterId: string,
): Promise<PublicProject[]> {
  return manager.query<PublicProject[]>(
    `SELECT p.id, p.name, p.partner, p.problem, p.status, p.links, li.people_helped AS "peopleHelped", li.unit,
            (SELECT count(*)::int FROM project_roles r WHERE r.project_id = p.id AND r.open) AS "openRoles"
       FROM projects p
       LEFT JOIN LATERAL (SELECT i.people_helped, i.unit FROM project_impacts i WHERE i.project_id = p.id
                           ORDER BY i.recorded_at DESC, i.id DESC LIMIT 1) li ON true
      WHERE p.chapter_id = $1 AND p.public
      ORDER BY array_position(ARRAY['active','paused','done','idea'], p.status), p.updated_at DESC LIMIT 50`,
    [chapterId],
  );
}
