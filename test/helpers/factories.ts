import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Chapter } from '../../src/accounts/chapter.entity';
import { hashPassword } from '../../src/accounts/passwords';
import { User } from '../../src/accounts/user.entity';
import { Workshop } from '../../src/workshops/workshop.entities';

/** The password every factory-made user has, unless a test gives another. */
export const TEST_PASSWORD = 'plenty of rivers to cross 42';

let testPasswordHash: Promise<string> | undefined;

function unique(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

/** A user with sensible defaults; pass only what the test is about. */
export async function createUser(
  manager: EntityManager,
  overrides: Partial<Omit<User, 'passwordHash'>> & { password?: string } = {},
): Promise<User> {
  const { password, ...fields } = overrides;
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  const name = unique('person');
  return manager.save(
    manager.create(User, {
      email: `${name}@example.org`,
      displayName: `Person ${name.slice(-8)}`,
      role: 'organizer',
      chapterId: null,
      active: true,
      ...fields,
      passwordHash: password ? await hashPassword(password) : await testPasswordHash,
    }),
  );
}

export async function createChapter(
  manager: EntityManager,
  overrides: Partial<Chapter> = {},
): Promise<Chapter> {
  return manager.save(
    manager.create(Chapter, { name: unique('Chapter'), region: 'Boston, MA', ...overrides }),
  );
}

/**
 * A workshop with sensible defaults (an hour long, starting `startsAt`, in UTC, five seats, no
 * chapter, no milestones); pass only what the test is about.
 */
export async function createWorkshop(
  manager: EntityManager,
  fields: Partial<Workshop> & Pick<Workshop, 'startsAt' | 'createdById'>,
): Promise<Workshop> {
  return manager.save(
    manager.create(Workshop, {
      title: 'Workshop',
      description: '',
      milestoneIds: [],
      endsAt: new Date(fields.startsAt.getTime() + 3_600_000),
      timeZone: 'UTC',
      location: 'Library',
      onlineUrl: null,
      capacity: 5,
      chapterId: null,
      checkInSecret: unique('secret'),
      ...fields,
    }),
  );
}
