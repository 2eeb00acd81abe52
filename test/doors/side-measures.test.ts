import { Invite } from '../../src/accounts/invite.entity';
import { DOORS_MEASURES } from '../../src/doors/side-measures';
import { JoinRequest, PartnerRequest, PartnerRequestTransition } from '../../src/doors/door.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';

describe('the open doors figures of the "from all sides" report', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const day = (d: string) => new Date(`2026-${d}T12:00:00Z`);
  const measure = (key: string) => DOORS_MEASURES.find((m) => m.key === key)!;

  it('count confirmed join requests, newcomers who became members, partner requests received and answered, per chapter and period', async () => {
    const boston = await createChapter(db(), { stateCode: 'MA' });
    const admin = await createUser(db(), { role: 'admin' });
    const join = (email: string, confirmedAt: Date | null, chapterId: string | null) =>
      db().save(
        db().create(JoinRequest, {
          name: 'N',
          email,
          intent: 'join',
          confirmExpiresAt: day('03-01'),
          confirmedAt,
          confirmTokenHash: confirmedAt ? null : `hash-${email}`,
          chapterId,
        }),
      );
    await join('a@example.org', day('03-02'), boston.id);
    await join('b@example.org', day('03-03'), null);
    await join('c@example.org', null, boston.id); // never confirmed: not counted
    const member = await join('d@example.org', day('02-01'), boston.id); // before the period
    const invite = await db().save(
      db().create(Invite, {
        email: 'd@example.org',
        role: 'organizer',
        chapterId: boston.id,
        tokenHash: 'invite-d',
        invitedById: admin.id,
        expiresAt: day('04-01'),
      }),
    );
    await db().update(JoinRequest, member.id, { inviteId: invite.id });
    const user = await createUser(db(), { email: 'd@example.org', createdAt: day('03-05') });
    // What accepting an invite does; the database then records the member on the request.
    await db().update(Invite, invite.id, { acceptedAt: day('03-05'), userId: user.id });
    expect((await db().findOneByOrFail(JoinRequest, { id: member.id })).userId).toBe(user.id);

    const partner = (contactEmail: string, confirmedAt: Date | null) =>
      db().save(
        db().create(PartnerRequest, {
          organisation: 'Org',
          contactName: 'P',
          contactEmail,
          kind: 'nonprofit',
          need: 'Help',
          confirmExpiresAt: day('03-01'),
          confirmedAt,
          confirmTokenHash: confirmedAt ? null : `hash-${contactEmail}`,
          chapterId: boston.id,
        }),
      );
    const answered = await partner('p1@example.org', day('03-02'));
    await partner('p2@example.org', day('03-04'));
    await partner('p3@example.org', null);
    await db().insert(PartnerRequestTransition, [
      {
        requestId: answered.id,
        fromStatus: 'new',
        toStatus: 'talking',
        actorId: admin.id,
        createdAt: day('03-06'),
      },
      {
        requestId: answered.id,
        fromStatus: 'talking',
        toStatus: 'talking',
        actorId: admin.id,
        createdAt: day('03-07'),
      },
    ]);

    const march = { from: day('03-01'), to: day('04-01') };
    const counts = async (key: string) => {
      const figures: Record<string, number> = {};
      for (const [chapter, n] of await measure(key).count(db(), march)) figures[String(chapter)] = n;
      return figures;
    };
    expect(await counts('join_requests')).toEqual({ [boston.id]: 1, null: 1 });
    expect(await counts('join_request_members')).toEqual({ [boston.id]: 1 });
    expect(await counts('partner_requests')).toEqual({ [boston.id]: 2 });
    expect(await counts('partner_requests_answered')).toEqual({ [boston.id]: 1 });
    const april = { from: day('04-01'), to: day('05-01') };
    for (const m of DOORS_MEASURES) expect((await m.count(db(), april)).size).toBe(0);
    expect(DOORS_MEASURES.every((m) => m.side === 'doors' && /^[a-z_]+$/.test(m.key) && m.method)).toBe(true);
  });
});
