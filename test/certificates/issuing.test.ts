import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Certificate, StatusList } from '../../src/certificates/certificate.entities';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { postForm, signedInAgent } from '../helpers/http';
import { certificateKit, TRACK_ID } from './kit';

describe('issuing certificates', () => {
  let t: TestApp;
  let kit: ReturnType<typeof certificateKit>;
  const db = () => t.dataSource.manager;
  /** The lowest slot no certificate holds on the list. */
  async function freeSlot(listId: number): Promise<number> {
    const [{ slot }] = await db().query<{ slot: number }[]>(
      `SELECT min(s)::int AS slot FROM generate_series(0, 131071) s
        WHERE NOT EXISTS (SELECT 1 FROM certificates WHERE status_list_id = $1 AND status_index = s)`,
      [listId],
    );
    return slot;
  }

  beforeAll(async () => {
    t = await startTestApp();
    kit = certificateKit(t);
  });
  afterAll(() => t.close());

  it('issues the certificate in the transaction that completes the track, and only then', async () => {
    const organizer = await createUser(db(), { displayName: 'Ada Organizer' });
    await kit.completeAllButLast(organizer.id);
    expect(await db().countBy(Certificate, { userId: organizer.id })).toBe(0);
    await kit.complete(organizer.id);
    const [certificate] = await db().findBy(Certificate, { userId: organizer.id });
    expect(certificate).toMatchObject({
      trackId: TRACK_ID,
      curriculumVersion: kit.track.version,
      hidden: false,
    });
    expect(certificate.code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(certificate.credential).toMatchObject({
      id: `${t.config.baseUrl}/c/${certificate.code}`,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      credentialSubject: { name: 'Ada Organizer' },
    });
    expect(await db().countBy(AuditEvent, { action: 'certificate.issued', subjectId: certificate.id })).toBe(
      1,
    );
  });

  it('rolls the certificate back with the completion when the transaction fails', async () => {
    const organizer = await createUser(db());
    await kit.completeAllButLast(organizer.id);
    await expect(
      t.dataSource.transaction(async (m) => {
        await kit.progress.milestoneCompleted(m, {
          userId: organizer.id,
          milestoneId: kit.lastMilestone,
          source: 'coach',
        });
        expect(await m.countBy(Certificate, { userId: organizer.id })).toBe(1);
        throw new Error('something later in the same request failed');
      }),
    ).rejects.toThrow('something later');
    expect(await db().countBy(Certificate, { userId: organizer.id })).toBe(0);
    expect(
      await db().countBy(MilestoneCompletion, { userId: organizer.id, milestoneId: kit.lastMilestone }),
    ).toBe(0);
  });

  it('issues exactly one certificate and takes one status slot under concurrent completions', async () => {
    const organizer = await createUser(db());
    await kit.completeAllButLast(organizer.id);
    // Undo two more so that two different "last" milestones race, plus repeats of each.
    const [a, b] = kit.milestoneIds.slice(-3, -1);
    await db().delete(MilestoneCompletion, { userId: organizer.id, milestoneId: a });
    await db().delete(MilestoneCompletion, { userId: organizer.id, milestoneId: b });
    const before = (await db().findOneBy(StatusList, { id: 1 }))?.taken ?? 0;
    await Promise.all(
      [a, b, kit.lastMilestone, a, b, kit.lastMilestone, kit.lastMilestone, a].map((id) =>
        kit.complete(organizer.id, id),
      ),
    );
    expect(await db().countBy(Certificate, { userId: organizer.id })).toBe(1);
    expect((await db().findOneByOrFail(StatusList, { id: 1 })).taken).toBe(before + 1);
  });

  it('lets the database refuse a second current certificate for the same track', async () => {
    const organizer = await createUser(db());
    const certificate = await kit.certify(organizer.id);
    await expect(
      db().query(
        `INSERT INTO certificates (code, user_id, track_id, credential, credential_hash, curriculum_version,
                                   awarded_at, status_list_id, status_index)
         VALUES ($1, $2, $3, '{}', 'x', 'v', now(), $4, $5)`,
        [
          'x'.repeat(22),
          organizer.id,
          TRACK_ID,
          certificate.statusListId,
          await freeSlot(certificate.statusListId),
        ],
      ),
    ).rejects.toThrow(/certificates_one_current_per_track/);
  });

  it('refuses a direct request for an incomplete track and creates nothing', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const agent = await signedInAgent(t.app, admin.email);
    const organizer = await createUser(db());
    await kit.complete(organizer.id, kit.milestoneIds[0]);
    const response = await postForm(agent, `/admin/people/${organizer.id}/certificates/issue`, {
      trackId: TRACK_ID,
    });
    expect(response.status).toBe(409);
    expect(response.text).toContain('No certificate yet: still needed');
    expect(await db().countBy(Certificate, { userId: organizer.id })).toBe(0);

    const organizerAgent = await signedInAgent(t.app, organizer.email);
    const denied = await postForm(organizerAgent, `/admin/people/${organizer.id}/certificates/issue`, {
      trackId: TRACK_ID,
    });
    expect(denied.status).toBe(403);
  });

  it('lets admins re-check eligibility and issue what was earned but not issued', async () => {
    const admin = await createUser(db(), { role: 'admin' });
    const agent = await signedInAgent(t.app, admin.email);
    const organizer = await createUser(db());
    // Completions written without the hook (e.g. imported): the re-check finds and issues them.
    await kit.completeAllButLast(organizer.id);
    await db().insert(MilestoneCompletion, {
      userId: organizer.id,
      milestoneId: kit.lastMilestone,
      moduleId: kit.track.modules.at(-1)!.id,
      trackId: TRACK_ID,
      source: 'admin',
    });
    const page = await postForm(agent, `/admin/people/${organizer.id}/certificates/recheck`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('a certificate was issued just now');
    expect(page.text).toMatch(/<strong>Coach:<\/strong>\s*\d+ milestones missing/);
    expect(await db().countBy(Certificate, { userId: organizer.id })).toBe(1);
    const again = await postForm(agent, `/admin/people/${organizer.id}/certificates/recheck`);
    expect(again.text).toContain('already certified');
    expect(await db().countBy(Certificate, { userId: organizer.id })).toBe(1);
  });

  it('sets validUntil from the track validity and cites every milestone as evidence', async () => {
    const organizer = await createUser(db());
    const certificate = await kit.certify(organizer.id);
    const credential = certificate.credential as {
      validFrom: string;
      validUntil: string;
      evidence: { name: string; description: string }[];
    };
    const months =
      (new Date(credential.validUntil).getUTCFullYear() - new Date(credential.validFrom).getUTCFullYear()) *
      12;
    expect(months).toBe(kit.track.validityMonths);
    expect(credential.evidence).toHaveLength(kit.milestoneIds.length);
    expect(credential.evidence[0].description).toMatch(
      /^Completed \d{4}-\d{2}-\d{2}; recorded by a program admin\.$/,
    );
  });
});
