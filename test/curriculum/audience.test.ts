import { Cohort } from '../../src/accounts/cohort.entity';
import type { User } from '../../src/accounts/user.entity';
import { tracksOpenTo } from '../../src/curriculum/audience';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

describe('whose tracks they are (track.md openTo)', () => {
  let t: TestApp;
  const db = () => t.dataSource.manager;
  const curriculum = () => testCatalog(t.config.curriculumDir).current();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('shows organizers only their own track on "Your progress", and coaches the Coach track too', async () => {
    expect(curriculum().trackById.get('coach')!.openTo).toEqual({ roles: ['coach', 'admin'], cohorts: [] });
    const organizer = await createUser(db(), { role: 'organizer' });
    const coach = await createUser(db(), { role: 'coach' });

    const organizerPage = await (await signedInAgent(t.app, organizer.email)).get('/me');
    expect(organizerPage.status).toBe(200);
    expect(organizerPage.text).toContain('href="/tracks/civic-tech-organizer"');
    expect(organizerPage.text).not.toContain('href="/tracks/coach"');

    const coachPage = await (await signedInAgent(t.app, coach.email)).get('/me');
    expect(coachPage.text).toContain('href="/tracks/civic-tech-organizer"');
    expect(coachPage.text).toContain('href="/tracks/coach"');
  });

  it('opens a track to the people of a named cohort, whatever their role', async () => {
    const pilot = await db().save(db().create(Cohort, { name: 'Coach pilot 2027' }));
    const other = await db().save(db().create(Cohort, { name: 'Spring 2027' }));
    const inPilot = await createUser(db(), { role: 'organizer', cohortId: pilot.id });
    const inOther = await createUser(db(), { role: 'organizer', cohortId: other.id });
    const inNone = await createUser(db(), { role: 'organizer' });
    const organizerTrack = curriculum().trackById.get('civic-tech-organizer')!;
    const coachTrack = curriculum().trackById.get('coach')!;
    const pilotTrack = { ...coachTrack, openTo: { roles: [], cohorts: ['Coach pilot 2027'] } };
    expect(pilotTrack.id).toBe('coach');
    const tracks = [organizerTrack, pilotTrack];

    const ids = async (person: User) =>
      (await tracksOpenTo(db(), tracks, person)).map((track) => track.id);
    expect(await ids(inPilot)).toEqual([organizerTrack.id, coachTrack.id]);
    expect(await ids(inOther)).toEqual([organizerTrack.id]);
    expect(await ids(inNone)).toEqual([organizerTrack.id]);
  });
});
