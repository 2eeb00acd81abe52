import path from 'node:path';
import request from 'supertest';
import { IsNull } from 'typeorm';
import { createCertificateServices } from '../../src/certificates';
import { Certificate } from '../../src/certificates/certificate.entities';
import { stateOf } from '../../src/certificates/certificates.service';
import { loadCurriculum } from '../../src/curriculum/loader';
import { MilestoneCompletion } from '../../src/curriculum/progress.entities';
import { ProgressService, rehomeCompletions } from '../../src/curriculum/progress.service';
import { isMet, trackRequirements } from '../../src/curriculum/requirements';
import type { Curriculum } from '../../src/curriculum/curriculum.types';
import { projectRoot } from '../../src/paths';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';

/**
 * The tiers restructure run on real data: people complete milestones (and one earns the old
 * certificate) on the curriculum as it shipped before tiers (test/fixtures/curriculum-before-tiers,
 * taken from git), then the app reads the same rows with today's curriculum.
 */
const OLD_DIR = path.join(projectRoot, 'test', 'fixtures', 'curriculum-before-tiers');
const LADDER = ['civic-tech-host', 'civic-tech-organizer', 'civic-tech-chapter-lead'];

function load(dir: string): Curriculum {
  const { curriculum, problems } = loadCurriculum(dir);
  if (!curriculum) throw new Error(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  return curriculum;
}

describe('restructuring the curriculum into tiers orphans no one', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;
  const old = load(OLD_DIR);
  const oldTrack = old.trackById.get('civic-tech-organizer')!;
  const oldIds = oldTrack.modules.flatMap((m) => m.milestones.map((milestone) => milestone.id));
  let current: () => Curriculum;

  beforeAll(async () => {
    t = await startTestApp();
    current = () => testCatalog(t.config.curriculumDir).current();
  });
  afterAll(() => t.close());

  /** Completes milestones the way the app did before the restructure (the old curriculum's hooks). */
  async function completeOnOldCurriculum(userId: string, milestoneIds: string[]) {
    const services = createCertificateServices(t.config, () => old);
    const progress = new ProgressService(() => old);
    progress.useHooks(services.hooks);
    for (const milestoneId of milestoneIds)
      await t.dataSource.transaction((m) => progress.milestoneCompleted(m, { userId, milestoneId, source: 'coach' }));
  }

  /** Records completions on today's curriculum without issuing anything (an admin re-check issues). */
  async function completeOnCurrentCurriculum(userId: string, milestoneIds: string[]) {
    const progress = new ProgressService(current);
    for (const milestoneId of milestoneIds)
      await t.dataSource.transaction((m) => progress.milestoneCompleted(m, { userId, milestoneId, source: 'coach' }));
  }

  /** Today's requirements that a set of completed ids meets, per ladder track. */
  function metNow(completed: Set<string>) {
    return LADDER.map((trackId) =>
      trackRequirements(current().trackById.get(trackId)!).filter((r) => isMet(r, completed)).length,
    );
  }

  it('finds a milestone today for every milestone id that shipped before', () => {
    const missing = oldIds.filter((id) => !current().milestoneById.has(id));
    expect(missing).toEqual([]);
    // The two merged pairs now name one milestone each.
    const found = (id: string) => current().milestoneById.get(id)!.milestone.id;
    expect(found('starting-a-chapter-roles-and-rotation')).toBe('sustaining-and-handover-role-map');
    expect(found('scoping-projects-partner-agreement')).toBe('partnerships-mou-draft');
  });

  it('keeps every person’s progress: each old completion counts towards today’s tiers', async () => {
    const progress = new ProgressService(current);
    // Three people part-way through, including both halves of each merged pair.
    const sets = [
      oldIds.slice(0, 7),
      ['starting-a-chapter-roles-and-rotation', 'scoping-projects-partner-agreement', 'people-first-listening-tour'],
      [...oldIds.filter((_, i) => i % 3 === 0), 'sustaining-and-handover-role-map', 'partnerships-mou-draft'],
    ];
    for (const ids of sets) {
      const person = await createUser(db());
      await completeOnOldCurriculum(person.id, ids);
      const perTier = [];
      for (const trackId of LADDER)
        perTier.push((await progress.trackProgress(db(), person.id, current().trackById.get(trackId)!)).completed);
      expect(perTier).toEqual(metNow(new Set(ids)));
      // Nothing lost: every completed id is counted by exactly one requirement of today's ladder.
      const counted = LADDER.flatMap((trackId) => trackRequirements(current().trackById.get(trackId)!)).filter((r) =>
        r.acceptedIds.some((id) => ids.includes(id)),
      );
      expect(new Set(counted.flatMap((r) => r.acceptedIds.filter((id) => ids.includes(id))))).toEqual(new Set(ids));
    }
  });

  it('files old completions under the tracks their milestones moved to, for the reports’ summaries', async () => {
    const person = await createUser(db());
    await completeOnOldCurriculum(person.id, ['people-first-listening-tour', 'starting-a-chapter-roles-and-rotation']);
    const tracksOf = async () =>
      (await db().findBy(MilestoneCompletion, { userId: person.id }))
        .map((row) => `${row.milestoneId}@${row.trackId}/${row.moduleId}`)
        .sort();
    expect(await tracksOf()).toEqual([
      'people-first-listening-tour@civic-tech-organizer/people-first',
      'starting-a-chapter-roles-and-rotation@civic-tech-organizer/starting-a-chapter',
    ]);
    expect(await t.dataSource.transaction((m) => rehomeCompletions(m, current()))).toBeGreaterThanOrEqual(2);
    expect(await tracksOf()).toEqual([
      'people-first-listening-tour@civic-tech-host/people-first',
      'starting-a-chapter-roles-and-rotation@civic-tech-chapter-lead/sustaining-and-handover',
    ]);
    const summaries = await db().query<{ track_id: string; completed: number }[]>(
      'SELECT track_id, completed FROM progress_tracks WHERE user_id = $1 AND completed > 0 ORDER BY track_id',
      [person.id],
    );
    expect(summaries).toEqual([
      { track_id: 'civic-tech-chapter-lead', completed: 1 },
      { track_id: 'civic-tech-host', completed: 1 },
    ]);
    // Nothing else to do the second time.
    expect(await t.dataSource.transaction((m) => rehomeCompletions(m, current()))).toBe(0);
  });

  it('files completions once per curriculum version, not by reading every completion at every start', async () => {
    const person = await createUser(db());
    await t.dataSource.transaction((m) => rehomeCompletions(m, current()));
    const [state] = await db().query<{ version: string }[]>('SELECT version FROM completion_homes_state');
    expect(state.version).toBe(current().version);
    // A row filed under an old home after this version was filed (say by an older process still
    // running): the same version does not look again...
    await completeOnOldCurriculum(person.id, ['people-first-listening-tour']);
    const home = async () =>
      (await db().findOneByOrFail(MilestoneCompletion, { userId: person.id, milestoneId: 'people-first-listening-tour' }))
        .trackId;
    expect(await home()).toBe('civic-tech-organizer');
    expect(await t.dataSource.transaction((m) => rehomeCompletions(m, current()))).toBe(0);
    expect(await home()).toBe('civic-tech-organizer');
    // ...the next version does, and records itself.
    const next = { ...current(), version: `${current().version}-next` };
    expect(await t.dataSource.transaction((m) => rehomeCompletions(m, next))).toBe(1);
    expect(await home()).toBe('civic-tech-host');
    expect((await db().query<{ version: string }[]>('SELECT version FROM completion_homes_state'))[0].version).toBe(
      next.version,
    );
  });

  it('keeps an issued certificate valid and naming the version it was earned on, and counts everything its holder did on every tier', async () => {
    const person = await createUser(db(), { displayName: 'Grace Before-Tiers' });
    await completeOnOldCurriculum(person.id, oldIds);
    const earned = await db().findOneByOrFail(Certificate, { userId: person.id, trackId: 'civic-tech-organizer' });
    expect(earned.curriculumVersion).toBe(oldTrack.version);

    // Today: the same certificate, still valid, still naming the old version, verifiable and public.
    const services = createCertificateServices(t.config, current);
    const after = await db().findOneByOrFail(Certificate, { id: earned.id });
    expect(stateOf(after)).toBe('valid');
    expect(after.curriculumVersion).toBe(oldTrack.version);
    expect(after.curriculumVersion).not.toBe(current().trackById.get('civic-tech-organizer')!.version);
    expect(after.credential).toMatchObject({ credentialSubject: { achievement: { version: oldTrack.version } } });
    const verdict = await services.verification.verify(db(), after.credential);
    expect(verdict.verified).toBe(true);
    expect((await request(t.app).get(`/c/${after.code}`)).status).toBe(200);

    // Everything they did counts on every tier today; what is left is only milestones added since
    // (new modules), which no restructure can complete for them.
    const progress = new ProgressService(current);
    const shipped = new Set(oldIds);
    const addedSince = (trackId: string) =>
      current()
        .trackById.get(trackId)!
        .modules.flatMap((m) => m.milestones)
        .filter((m) => !m.alternativeTo && ![m.id, ...m.replaces].some((id) => shipped.has(id))).length;
    for (const trackId of LADDER) {
      const state = await progress.trackProgress(db(), person.id, current().trackById.get(trackId)!);
      expect(state.completed).toBe(state.total - addedSince(trackId));
    }
    expect(addedSince('civic-tech-host')).toBe(0);

    // An admin re-check issues the tiers they now qualify for; the old certificate stands for Organizer.
    const admin = await createUser(db(), { role: 'admin' });
    const outcomes = await t.dataSource.transaction((m) =>
      services.certificates.recheck(m, { ...admin, scopeChapterId: null }, person.id),
    );
    expect(Object.fromEntries(outcomes.map((o) => [o.trackId, o.result]))).toMatchObject({
      'civic-tech-host': 'issued',
      'civic-tech-organizer': 'held',
    });
    // Chapter Lead waits for the milestones added since; once done, it is issued on top of the old certificate.
    expect(outcomes.find((o) => o.trackId === 'civic-tech-chapter-lead')?.result).not.toBe('issued');
    const leadTrack = current().trackById.get('civic-tech-chapter-lead')!;
    const added = leadTrack.modules
      .flatMap((m) => m.milestones)
      .filter((m) => !m.alternativeTo && ![m.id, ...m.replaces].some((id) => shipped.has(id)));
    await completeOnCurrentCurriculum(person.id, added.map((m) => m.id));
    const again = await t.dataSource.transaction((m) =>
      services.certificates.recheck(m, { ...admin, scopeChapterId: null }, person.id),
    );
    expect(again.find((o) => o.trackId === 'civic-tech-chapter-lead')?.result).toBe('issued');
    const lead = await db().findOneByOrFail(Certificate, {
      userId: person.id,
      trackId: 'civic-tech-chapter-lead',
      supersededAt: IsNull(),
    });
    expect(lead.curriculumVersion).toBe(current().trackById.get('civic-tech-chapter-lead')!.version);
    expect((lead.credential.evidence as { id: string }[])[0].id).toBe(`${t.config.baseUrl}/c/${earned.code}`);
    // The old certificate itself was not touched.
    expect((await db().findOneByOrFail(Certificate, { id: earned.id })).credentialHash).toBe(earned.credentialHash);
  });
});
