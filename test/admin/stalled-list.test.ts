import { registerStalledTracks } from '../../src/admin/stalled-tracks';
import { User } from '../../src/accounts/user.entity';
import { createUser } from '../helpers/factories';
import { testCatalog } from '../helpers/app';
import { expectAfterEachChange, expectRebuildKeepsKept } from '../helpers/kept-counts';
import { ago, groupFilters, seededAcademy } from './report-people-seed';

/** The stalled list recomputed the straightforward way, from the source rows (no summaries). */
const RECOMPUTED_STALLED = `
  SELECT u.id, u.display_name AS name,
         GREATEST(u.last_login_at,
                  (SELECT max(s.submitted_at) FROM evidence_submissions s WHERE s.organizer_id = u.id),
                  (SELECT max(r.read_at) FROM module_reads r WHERE r.user_id = u.id),
                  (SELECT max(c.completed_at) FROM milestone_completions c WHERE c.user_id = u.id)) AS last_activity,
         (SELECT cu.display_name FROM coach_assignments ca JOIN users cu ON cu.id = ca.coach_id
           WHERE ca.organizer_id = u.id AND ca.ended_at IS NULL) AS coach
    FROM users u
   WHERE u.role = 'organizer' AND u.active
     AND ($1::uuid IS NULL OR u.chapter_id = $1) AND ($2::uuid IS NULL OR u.cohort_id = $2)
     AND NOT EXISTS (SELECT 1 FROM certificates ce WHERE ce.user_id = u.id AND ce.track_id = $3
                        AND ce.superseded_at IS NULL AND ce.revoked_at IS NULL)`;

/** The kept candidates, to compare with a rebuild from scratch. */
const KEPT = `SELECT track_id, user_id, chapter_key, cohort_key, silent_since, name FROM report_stalled
               UNION ALL SELECT track_id, NULL, NULL, NULL, NULL, NULL FROM report_stalled_tracks ORDER BY 1, 2`;

describe('stalled list (kept candidates)', () => {
  const academy = seededAcademy();
  const db = () => academy.t.dataSource.manager;
  const curriculum = () => testCatalog(academy.t.config.curriculumDir).current();

  const filters = () => groupFilters(academy.seed, curriculum());

  const expectListsEqualRecomputation = async () => {
    let listed = 0;
    for (const f of filters()) {
      const track = curriculum().trackById.get(f.trackId!)!;
      const expected = (
        await db().query<{ id: string; name: string; last_activity: Date | null; coach: string | null }[]>(
          RECOMPUTED_STALLED,
          [f.chapterId, f.cohortId, track.id],
        )
      )
        .filter((r) => r.last_activity === null || r.last_activity < ago(30))
        .sort(
          (a, b) =>
            (a.last_activity?.getTime() ?? -Infinity) - (b.last_activity?.getTime() ?? -Infinity) ||
            (a.name < b.name ? -1 : 1),
        );
      const got = await academy.reports.stalled(db(), { ...f, track });
      expect(got).toEqual(expected);
      listed += got.length;
    }
    expect(listed).toBeGreaterThan(10);
    await expectRebuildKeepsKept(db(), KEPT, 'SELECT report_stalled_rebuild()');
  };

  it('lists, per track and filter, exactly the silent, active, uncertified organizers, longest silent first', async () => {
    await expectListsEqualRecomputation();
    const host = curriculum().trackById.get(academy.seed.kit.track.id)!;
    const names = (
      await academy.reports.stalled(db(), { ...filters()[0], trackId: host.id, track: host })
    ).map((r) => r.name);
    // Never active first; the certified (01, 06), the deactivated (11) and the recent are not listed.
    expect(names.slice(0, 2)).toEqual(['Person 04', 'Person 09']);
    expect(names).not.toEqual(expect.arrayContaining(['Person 01']));
    expect(names).not.toEqual(expect.arrayContaining(['Person 11']));
    expect(names).toContain('Person 05');
    // On another track, the people certified on this one are stalled like anyone.
    const other = curriculum().trackById.get(academy.seed.other.id)!;
    const onOther = await academy.reports.stalled(db(), { ...filters()[0], trackId: other.id, track: other });
    expect(onOther.map((r) => r.name)).toContain('Person 06');
  });

  it('still matches after each kind of change, one after another', async () => {
    await expectAfterEachChange(academy.seed.changes, expectListsEqualRecomputation);
  });

  it('stays exact when one person moves, signs in and is certified in concurrent transactions', async () => {
    const person = await createUser(db(), { chapterId: academy.seed.chapterA, displayName: 'Busy stalled' });
    await db().update(User, person.id, { lastLoginAt: ago(90) });
    await academy.seed.kit.completeAllButLast(person.id);
    await db().query('UPDATE milestone_completions SET completed_at = $2 WHERE user_id = $1', [
      person.id,
      ago(80),
    ]);
    await Promise.all([
      academy.seed.kit.complete(person.id),
      academy.t.dataSource.transaction(async (m) => {
        await m.update(User, person.id, { chapterId: academy.seed.chapterB, displayName: 'Busy moved' });
        await m.query('SELECT pg_sleep(0.02)');
      }),
      academy.t.dataSource.transaction((m) => m.update(User, person.id, { lastLoginAt: ago(40) })),
    ]);
    await expectListsEqualRecomputation();
  });
  it('lists the same once start-up has registered every track ahead of time, and registers each once', async () => {
    const tracks = curriculum().tracks.map((track) => track.id);
    const before = await db().query<{ track_id: string }[]>('SELECT track_id FROM report_stalled_tracks');
    const added = await academy.t.dataSource.transaction((m) => registerStalledTracks(m, curriculum()));
    expect(added).toBe(tracks.filter((id) => !before.some((r) => r.track_id === id)).length);
    expect(added).toBeGreaterThan(0);
    const registered = await db().query<{ track_id: string }[]>(
      'SELECT track_id FROM report_stalled_tracks ORDER BY 1',
    );
    expect(registered.map((r) => r.track_id)).toEqual(expect.arrayContaining(tracks));
    await expectListsEqualRecomputation();
    expect(await academy.t.dataSource.transaction((m) => registerStalledTracks(m, curriculum()))).toBe(0);
  });
});
