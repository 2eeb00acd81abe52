import type { DataSource } from 'typeorm';
import { Cohort } from '../../src/accounts/cohort.entity';
import { Circle } from '../../src/circles/circle.entities';
import { CirclePost, type PostKind } from '../../src/circles/post.entities';
import { ConductAcceptance } from '../../src/circles/safety.entities';
import { createChapter } from '../helpers/factories';
import { csrfToken, type Agent } from '../helpers/http';

/** A chapter with one cohort, and the circles the database made for them. */
export async function chapterWithCohort(dataSource: DataSource) {
  const m = dataSource.manager;
  const chapter = await createChapter(m);
  const cohort = await m.save(m.create(Cohort, { name: `${chapter.name} cohort`, chapterId: chapter.id }));
  const chapterCircle = await m.findOneByOrFail(Circle, { chapterId: chapter.id });
  const cohortCircle = await m.findOneByOrFail(Circle, { cohortId: cohort.id });
  return { chapter, cohort, chapterCircle, cohortCircle };
}

export async function acceptConduct(dataSource: DataSource, userId: string): Promise<void> {
  await dataSource.manager.save(dataSource.manager.create(ConductAcceptance, { userId }));
}

/** A post written straight to the database (for pages and permissions, not for posting rules). */
export async function createPost(
  dataSource: DataSource,
  circleId: string,
  authorId: string,
  overrides: Partial<CirclePost> & { kind?: PostKind } = {},
): Promise<CirclePost> {
  const m = dataSource.manager;
  return m.save(
    m.create(CirclePost, {
      circleId,
      authorId,
      kind: 'story',
      title: 'A story',
      body: 'It went well.',
      ...overrides,
    }),
  );
}

export const postIdFrom = (location: string): string =>
  /\/circles\/posts\/([0-9a-f-]{36})/.exec(location)![1];

/** `count` submissions of one form at once, like a double click or a script (one CSRF token). */
export async function together(
  agent: Agent,
  url: string,
  count: number,
  fields: (i: number) => Record<string, string>,
) {
  const token = await csrfToken(agent);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      agent
        .post(url)
        .type('form')
        .send({ ...fields(i), _csrf: token }),
    ),
  );
}
