import type { User } from '../../src/accounts/user.entity';
import { CircleDigests } from '../../src/circles/circle-digest';
import { CirclePost, CircleReply } from '../../src/circles/post.entities';
import { OutboxMessage } from '../../src/mail/outbox-message.entity';
import { DigestSender, DIGEST_PERIOD_MS } from '../../src/notifications/digest';
import { Notification, NotificationPreference } from '../../src/notifications/notification.entities';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent } from '../helpers/http';
import { chapterWithCohort, createPost as createRawPost } from './helpers';

const DAY = 24 * 3_600_000;

/** A post written at a given time (the column's default would say "now"). */
async function createPost(
  dataSource: TestApp['dataSource'],
  circleId: string,
  authorId: string,
  overrides: Partial<CirclePost> & { createdAt: Date },
): Promise<CirclePost> {
  const post = await createRawPost(dataSource, circleId, authorId, overrides);
  await dataSource.manager.update(CirclePost, { id: post.id }, { createdAt: overrides.createdAt });
  return post;
}

describe('circles: the weekly circle digest', () => {
  let t: TestApp;
  let digests: CircleDigests;
  let notifications: NotificationsService;
  let reader: User;
  let author: User;
  let digester: User;
  let appOnly: User;
  let stranger: User;
  let circleId: string;
  const start = new Date();
  beforeAll(async () => {
    t = await startTestApp();
    notifications = new NotificationsService(t.config.sessionSecret);
    digests = new CircleDigests(notifications, t.config.baseUrl);
    const m = t.dataSource.manager;
    const { chapter, chapterCircle } = await chapterWithCohort(t.dataSource);
    const other = await chapterWithCohort(t.dataSource);
    circleId = chapterCircle.id;
    reader = await createUser(m, { chapterId: chapter.id, displayName: 'Rae Reader' });
    author = await createUser(m, { chapterId: chapter.id, displayName: 'Abe Author' });
    digester = await createUser(m, { chapterId: chapter.id });
    appOnly = await createUser(m, { chapterId: chapter.id });
    stranger = await createUser(m, { chapterId: other.chapter.id });
    await m.insert(NotificationPreference, [
      { userId: digester.id, kind: 'circle_digest', delivery: 'digest' },
      { userId: appOnly.id, kind: 'circle_digest', delivery: 'app' },
    ]);
    // Nothing else in this database posts: the academy circle stays empty.
    const at = (daysAgo: number) => ({ createdAt: new Date(start.getTime() - daysAgo * DAY) });
    await createPost(t.dataSource, circleId, author.id, { title: 'We won the parks vote', ...at(1) });
    await createPost(t.dataSource, circleId, author.id, {
      kind: 'ask',
      title: 'Who has a projector?',
      ...at(2),
    });
    const answered = await createPost(t.dataSource, circleId, author.id, {
      kind: 'ask',
      title: 'Answered already',
      ...at(2),
    });
    const reply = await m.save(
      m.create(CircleReply, { postId: answered.id, authorId: reader.id, body: 'Me!' }),
    );
    await m.update(CirclePost, { id: answered.id }, { answerReplyId: reply.id });
    await createPost(t.dataSource, circleId, author.id, {
      title: 'Hidden story',
      hiddenAt: new Date(),
      hiddenReason: 'Shared a phone number',
      ...at(1),
    });
    await createPost(t.dataSource, circleId, author.id, { kind: 'feedback', title: 'My draft', ...at(1) });
    await createPost(t.dataSource, circleId, author.id, { title: 'Last month', ...at(20) });
    await createPost(t.dataSource, other.chapterCircle.id, stranger.id, { title: 'Elsewhere', ...at(1) });
  });
  afterAll(() => t.close());
  const m = () => t.dataSource.manager;
  const circleNotices = (userId: string) => m().findBy(Notification, { userId, kind: 'circle_digest' });
  const emailsTo = (user: User) => m().findBy(OutboxMessage, { toAddress: user.email });

  it('sends each person one digest of the week’s stories and open asks, once across processes, by their choice', async () => {
    const sent = await Promise.all(
      [1, 2].map(() => t.dataSource.transaction((tx) => digests.sendDue(tx, start))),
    );
    // Reader, digester and app-only person each get one; the author (only their own posts) and the
    // stranger (nothing new in their circles) get none.
    expect(sent[0] + sent[1]).toBe(3);
    expect(await t.dataSource.transaction((tx) => digests.sendDue(tx, start))).toBe(0);

    const [notice] = await circleNotices(reader.id);
    expect(notice.title).toBe('This week in your circles: 1 new story and 1 open ask');
    expect(notice.link).toBe('/circles');
    const [email] = await emailsTo(reader);
    expect(email.subject).toBe(notice.title);
    expect(email.bodyText).toContain('We won the parks vote');
    expect(email.bodyText).toContain('Who has a projector?');
    for (const absent of ['Answered already', 'Hidden story', 'My draft', 'Last month', 'Elsewhere'])
      expect(email.bodyText).not.toContain(absent);
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    expect(await circleNotices(author.id)).toHaveLength(0);
    expect(await circleNotices(stranger.id)).toHaveLength(0);
    // "In the app only": the notice, no email. "Weekly digest": waits for the notification digest.
    expect(await circleNotices(appOnly.id)).toHaveLength(1);
    expect(await emailsTo(appOnly)).toHaveLength(0);
    expect((await circleNotices(digester.id))[0].digest).toBe('pending');
    expect(await emailsTo(digester)).toHaveLength(0);
    const weekly = new DigestSender(notifications, t.config.baseUrl);
    const later = new Date(Date.now() + DIGEST_PERIOD_MS + 1000);
    expect(await t.dataSource.transaction((tx) => weekly.sendDue(tx, later))).toBe(1);
    expect((await emailsTo(digester))[0].bodyText).toContain('This week in your circles');
  });

  it('covers only what is new since the last digest, sends nothing when nothing is new, and stops on unsubscribe', async () => {
    const nextWeek = new Date(start.getTime() + 7 * DAY + 1000);
    expect(await t.dataSource.transaction((tx) => digests.sendDue(tx, nextWeek))).toBe(0);
    await createPost(t.dataSource, circleId, author.id, {
      title: 'Potluck recap',
      createdAt: new Date(nextWeek.getTime() + DAY),
    });
    const weekAfter = new Date(nextWeek.getTime() + 7 * DAY + 1000);
    expect(await t.dataSource.transaction((tx) => digests.sendDue(tx, weekAfter))).toBe(3);
    const emails = (await emailsTo(reader)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    expect(emails).toHaveLength(2);
    expect(emails[1].subject).toBe('This week in your circles: 1 new story');
    expect(emails[1].bodyText).toContain('Potluck recap');
    expect(emails[1].bodyText).not.toContain('We won the parks vote');

    const url = /^<(.+)>$/.exec(emails[1].headers['List-Unsubscribe'])![1];
    const oneClick = await anonymousAgent(t.app)
      .post(new URL(url).pathname)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(
      await m().findOneBy(NotificationPreference, { userId: reader.id, kind: 'circle_digest' }),
    ).toMatchObject({
      delivery: 'app',
    });
  });
});
