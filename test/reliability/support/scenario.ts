import type { DataSource } from 'typeorm';
import type { User } from '../../../src/accounts/user.entity';
import { loadConfig } from '../../../src/config';
import type { Curriculum } from '../../../src/curriculum/curriculum.types';
import type { Workshop } from '../../../src/workshops/workshop.entities';
import { WorkshopsService } from '../../../src/workshops/workshops.service';
import { TEST_ENV, testCatalog } from '../../helpers/app';
import {
  connectTestDatabase,
  createTestDatabase,
  databaseUrl,
  dropTestDatabase,
} from '../../helpers/database';
import { createUser } from '../../helpers/factories';

export const TRACK_ID = 'civic-tech-host';
const WORKSHOP_MINUTES_AHEAD = 48 * 60;

export interface TestDatabase {
  name: string;
  /** What the server processes get as DATABASE_URL. */
  url: string;
  /** The test's own connection, for preparing rows and checking invariants in SQL. */
  dataSource: DataSource;
  drop(): Promise<void>;
}

/** A fresh copy of the migrated template database (see test/helpers/database.ts). */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = await createTestDatabase();
  const dataSource = await connectTestDatabase(name, 3);
  return {
    name,
    url: databaseUrl(name),
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropTestDatabase(name);
    },
  };
}

export interface MilestoneFact {
  id: string;
  moduleId: string;
  kind: 'coach' | 'workshop';
}

/** The shipped Civic Tech Organizer track: its milestones, and the workshop milestone finished last. */
export function organizerTrack() {
  const curriculum: Curriculum = testCatalog(loadConfig(TEST_ENV).curriculumDir).current();
  const track = curriculum.trackById.get(TRACK_ID)!;
  const milestones: MilestoneFact[] = track.modules.flatMap((module) =>
    module.milestones.map((m) => ({ id: m.id, moduleId: module.id, kind: m.kind })),
  );
  const final = milestones.filter((m) => m.kind === 'workshop').at(-1)!;
  return { curriculum, track, milestones, milestoneIds: milestones.map((m) => m.id), final };
}

/** Rows a scenario needs, written straight to the database (as if done long ago). */
export class Scenario {
  readonly track = organizerTrack();
  private readonly workshops: WorkshopsService;

  constructor(private readonly dataSource: DataSource) {
    this.workshops = new WorkshopsService(() => this.track.curriculum, 'http://academy.reliability.test');
  }

  private get manager() {
    return this.dataSource.manager;
  }

  user(role: User['role'], overrides: Partial<User> = {}): Promise<User> {
    return createUser(this.manager, { role, ...overrides });
  }

  async organizers(count: number): Promise<User[]> {
    const people: User[] = [];
    for (let i = 0; i < count; i++) people.push(await this.user('organizer'));
    return people;
  }

  /** Every milestone of the track except the final workshop milestone. */
  async completeAllButFinal(userIds: string[]): Promise<void> {
    const rows = userIds.flatMap((userId) =>
      this.track.milestones
        .filter((m) => m.id !== this.track.final.id)
        .map((m) => ({
          userId,
          milestoneId: m.id,
          moduleId: m.moduleId,
          trackId: TRACK_ID,
          source: 'admin',
        })),
    );
    await this.manager
      .createQueryBuilder()
      .insert()
      .into('milestone_completions')
      .values(rows)
      .orIgnore()
      .execute();
  }

  /** A workshop (by default starting in two days); attending it completes `milestoneIds`. */
  workshop(
    createdBy: User,
    {
      capacity,
      milestoneIds,
      startsInMinutes = WORKSHOP_MINUTES_AHEAD,
    }: { capacity: number; milestoneIds: string[]; startsInMinutes?: number },
  ) {
    const startsAt = new Date(Date.now() + startsInMinutes * 60_000);
    return this.dataSource.transaction((m): Promise<Workshop> =>
      this.workshops.create(m, createdBy, {
        title: 'Reliability drill',
        description: '',
        milestoneIds,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
        timeZone: 'UTC',
        location: 'Main library',
        onlineUrl: null,
        capacity,
        chapterId: null,
      }),
    );
  }

  /** Lets a workshop begin now (attendance is marked from its check-in window on). */
  async begin(workshopId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE workshops SET starts_at = now() - interval '5 minutes', ends_at = now() + interval '115 minutes'
        WHERE id = $1`,
      [workshopId],
    );
  }

  async register(workshopId: string, people: User[]): Promise<void> {
    for (const person of people)
      await this.dataSource.transaction((m) => this.workshops.register(m, person, workshopId));
  }
}
