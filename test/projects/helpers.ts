import type { DataSource } from 'typeorm';
import type { Chapter } from '../../src/accounts/chapter.entity';
import type { User } from '../../src/accounts/user.entity';
import { Project, ProjectImpact } from '../../src/projects/project.entities';
import { ProjectRole } from '../../src/projects/opportunity.entities';
import { createChapter, createUser } from '../helpers/factories';

/** A chapter with its scoped admin, a lead and a plain member. */
export async function chapterTeam(dataSource: DataSource, overrides: Partial<Chapter> = {}) {
  const m = dataSource.manager;
  const chapter = await createChapter(m, overrides);
  const admin = await createUser(m, { role: 'admin', scopeChapterId: chapter.id, chapterId: chapter.id });
  const lead = await createUser(m, { chapterId: chapter.id });
  const member = await createUser(m, { chapterId: chapter.id });
  return { chapter, admin, lead, member };
}

/** A project written straight to the database (for pages and permissions, not for the create rules). */
export async function createProject(
  dataSource: DataSource,
  chapterId: string,
  overrides: Partial<Project> = {},
): Promise<Project> {
  const m = dataSource.manager;
  return m.save(
    m.create(Project, {
      chapterId,
      name: 'Food pantry finder',
      partner: 'City of Somewhere',
      problem: 'Residents cannot find open pantries.',
      status: 'active',
      links: [],
      public: true,
      leadId: null,
      ...overrides,
    }),
  );
}

export async function createRole(
  dataSource: DataSource,
  projectId: string,
  overrides: Partial<ProjectRole> = {},
) {
  const m = dataSource.manager;
  return m.save(
    m.create(ProjectRole, { projectId, title: 'Designer', commitment: '2 hours a week', ...overrides }),
  );
}

export async function recordImpactAt(
  dataSource: DataSource,
  projectId: string,
  peopleHelped: number,
  recordedAt: Date,
  recorder?: User,
) {
  await dataSource.manager.insert(ProjectImpact, {
    projectId,
    peopleHelped,
    unit: 'residents',
    method: 'Counted sign-ups',
    recordedAt,
    recordedBy: recorder?.id ?? null,
  });
}
