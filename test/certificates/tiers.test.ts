import { IsNull } from 'typeorm';
import { createCertificateServices } from '../../src/certificates';
import { Certificate } from '../../src/certificates/certificate.entities';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { ProgressService } from '../../src/curriculum/progress.service';
import { trackRequirements } from '../../src/curriculum/requirements';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

const HOST = 'civic-tech-host';
const ORGANIZER = 'civic-tech-organizer';
const LEAD = 'civic-tech-chapter-lead';

interface EvidenceEntry {
  id: string;
  name: string;
  genre?: string;
}

describe('stackable certificates (Host → Organizer → Chapter Lead)', () => {
  let t: TestApp;
  let services: ReturnType<typeof createCertificateServices>;
  let progress: ProgressService;
  const db = () => t.dataSource.manager;
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  beforeAll(async () => {
    t = await startTestApp();
    services = createCertificateServices(t.config, curriculum);
    progress = new ProgressService(curriculum);
    progress.useHooks(services.hooks);
  });
  afterAll(() => t.close());

  /** Writes completions for every requirement of a track but the last (its first option), as if done long ago. */
  async function completeAllButLast(userId: string, trackId: string) {
    const track = curriculum().trackById.get(trackId)!;
    const rows = trackRequirements(track)
      .slice(0, -1)
      .map((r) => ({
        userId,
        milestoneId: r.milestone.id,
        moduleId: r.module.id,
        trackId,
        source: 'admin' as const,
      }));
    await db().insert(MilestoneCompletion, rows);
    return trackRequirements(track).at(-1)!.milestone.id;
  }

  const complete = (userId: string, milestoneId: string) =>
    t.dataSource.transaction((m) => progress.milestoneCompleted(m, { userId, milestoneId, source: 'coach' }));

  const current = (userId: string, trackId: string) =>
    db().findOneBy(Certificate, { userId, trackId, supersededAt: IsNull() });

  async function earn(userId: string, trackId: string): Promise<Certificate> {
    await complete(userId, await completeAllButLast(userId, trackId));
    return (await current(userId, trackId))!;
  }

  it('issues each tier its own credential, naming its own achievement', async () => {
    const person = await createUser(db());
    const host = await earn(person.id, HOST);
    expect(host.credential).toMatchObject({
      name: 'Civic Tech Host',
      credentialSubject: {
        achievement: { name: 'Civic Tech Host', id: `${t.config.baseUrl}/tracks/${HOST}` },
      },
    });
    const organizer = await earn(person.id, ORGANIZER);
    expect(organizer.credential).toMatchObject({
      name: 'Civic Tech Organizer',
      credentialSubject: { achievement: { name: 'Civic Tech Organizer' } },
    });
    expect(organizer.curriculumVersion).toBe(curriculum().trackById.get(ORGANIZER)!.version);
  });

  it("cites the earlier tier's certificate by its public URL in the later tier's evidence", async () => {
    const person = await createUser(db());
    const host = await earn(person.id, HOST);
    const organizer = await earn(person.id, ORGANIZER);
    const lead = await earn(person.id, LEAD);
    const evidence = (c: Certificate) => c.credential.evidence as EvidenceEntry[];
    expect(evidence(organizer)[0]).toMatchObject({
      id: `${t.config.baseUrl}/c/${host.code}`,
      name: 'Civic Tech Host certificate',
      genre: 'Prerequisite certificate',
    });
    expect(evidence(lead)[0]).toMatchObject({ id: `${t.config.baseUrl}/c/${organizer.code}` });
    // The first tier requires nothing: all its evidence is its own milestones and workshops.
    expect(evidence(host).some((e) => e.genre === 'Prerequisite certificate')).toBe(false);
  });

  it('issues no later-tier certificate without a current earlier one, and issues it when the earlier one is earned', async () => {
    const person = await createUser(db());
    const last = await completeAllButLast(person.id, ORGANIZER);
    await complete(person.id, last);
    expect(await current(person.id, ORGANIZER)).toBeNull();
    const agent = await signedInAgent(t.app, person.email);
    const locked = await agent.get(`/tracks/${ORGANIZER}`);
    expect(locked.text).toContain('Not open to you yet');
    expect(locked.text).toContain(`href="/tracks/${HOST}"`);
    expect(locked.text).toContain('14 of 14 milestones completed');

    // Earning Host completes Organizer too, in the same transaction.
    await earn(person.id, HOST);
    expect(await current(person.id, ORGANIZER)).not.toBeNull();
    const open = await agent.get(`/tracks/${ORGANIZER}`);
    expect(open.text).toContain('Open to you');
    expect(open.text).not.toContain('Not open to you yet');
  });

  it('treats a revoked earlier certificate as missing', async () => {
    const person = await createUser(db());
    const admin = await createUser(db(), { role: 'admin' });
    const host = await earn(person.id, HOST);
    const actor = { ...admin, scopeChapterId: null };
    await t.dataSource.transaction((m) => services.certificates.revoke(m, actor, host.id, 'Copied work'));
    await earn(person.id, ORGANIZER);
    expect(await current(person.id, ORGANIZER)).toBeNull();
    const outcomes = await t.dataSource.transaction((m) =>
      services.certificates.recheck(m, actor, person.id),
    );
    expect(outcomes.find((o) => o.trackId === ORGANIZER)).toMatchObject({
      result: 'incomplete',
      missing: ['the Civic Tech Host certificate'],
    });
  });

  it('accepts an alternative milestone in place of the one it stands in for', async () => {
    const person = await createUser(db());
    const track = curriculum().trackById.get(LEAD)!;
    const budget = trackRequirements(track).find(
      (r) => r.milestone.id === 'budgets-and-fundraising-annual-budget',
    )!;
    expect(budget.options.map((m) => m.id)).toEqual([
      'budgets-and-fundraising-annual-budget',
      'budgets-and-fundraising-alliance-budget',
    ]);
    await complete(person.id, 'budgets-and-fundraising-alliance-budget');
    const state = await progress.trackProgress(db(), person.id, track);
    expect(state.completed).toBe(1);
    expect(state.total).toBe(trackRequirements(track).length);
    const module = state.modules.find((m) => m.module.id === 'budgets-and-fundraising')!;
    expect(module).toMatchObject({ completedMilestones: 1, total: 3 });
    // Both options done still counts once.
    await complete(person.id, 'budgets-and-fundraising-annual-budget');
    expect((await progress.trackProgress(db(), person.id, track)).completed).toBe(1);
  });

  it('counts a completion recorded under a replaced id for the milestone that replaced it', async () => {
    const person = await createUser(db());
    // An approval of evidence submitted before the merge still completes the old id...
    await complete(person.id, 'starting-a-chapter-roles-and-rotation');
    const row = await db().findOneByOrFail(MilestoneCompletion, {
      userId: person.id,
      milestoneId: 'starting-a-chapter-roles-and-rotation',
    });
    // ...recorded on the track and module that now hold the milestone it counts for.
    expect(row).toMatchObject({ trackId: LEAD, moduleId: 'sustaining-and-handover' });
    const state = await progress.trackProgress(db(), person.id, curriculum().trackById.get(LEAD)!);
    expect(state.completed).toBe(1);
    const page = await (
      await signedInAgent(t.app, person.email)
    ).get(`/tracks/${LEAD}/sustaining-and-handover`);
    expect(page.text).toMatch(
      /id="milestone-sustaining-and-handover-role-map" class="milestone milestone-done"/,
    );
  });
});
