import type { User } from '../../src/accounts/user.entity';
import { evidenceFor } from '../../src/certificates/evidence';
import { CoachAssignment, EvidenceSubmission } from '../../src/coaching/coaching.entities';
import { currentCheckInCode } from '../../src/workshops/check-in-codes';
import { Workshop, WorkshopRegistration } from '../../src/workshops/workshop.entities';
import { startTestApp, testCatalog, type TestApp } from '../helpers/app';
import { createUser, createWorkshop } from '../helpers/factories';
import { postForm, signedInAgent, type Agent } from '../helpers/http';
import { TRACK_ID } from './kit';

const COACH_MILESTONE = 'people-first-listening-tour';
const WORKSHOP_MILESTONE = 'facilitation-practice-workshop';
const today = () => new Date().toISOString().slice(0, 10);

/** Each evidence entry's text comes from its source: the sign-off, the check-in or the facilitator's mark. */
describe('certificate evidence texts', () => {
  let t: TestApp;
  let facilitator: User;
  let facilitatorAgent: Agent;
  const db = () => t.dataSource.manager;
  const track = () => testCatalog(t.config.curriculumDir).current().trackById.get(TRACK_ID)!;
  const evidenceOf = (userId: string) => evidenceFor(db(), userId, track(), t.config.baseUrl);
  type Entry = Awaited<ReturnType<typeof evidenceOf>>[number];
  const describedAs = (entries: Entry[], name: string, kind: Entry['kind']) =>
    entries.find((e) => e.name === name && e.kind === kind)?.description;

  beforeAll(async () => {
    t = await startTestApp();
    facilitator = await createUser(db(), { role: 'coach', displayName: 'Fay Facilitator' });
    facilitatorAgent = await signedInAgent(t.app, facilitator.email);
  });
  afterAll(() => t.close());

  /** A workshop for the workshop milestone starting `startsInMinutes` from now, with `people` registered. */
  async function workshopWith(startsInMinutes: number, people: User[]): Promise<Workshop> {
    const startsAt = new Date(Date.now() + startsInMinutes * 60_000);
    const workshop = await createWorkshop(db(), {
      title: 'Incident response practice',
      milestoneIds: [WORKSHOP_MILESTONE],
      startsAt,
      capacity: 10,
      createdById: facilitator.id,
      checkInSecret: `secret-${startsInMinutes}`,
    });
    await db().query('INSERT INTO workshop_facilitators (workshop_id, user_id) VALUES ($1, $2)', [
      workshop.id,
      facilitator.id,
    ]);
    for (const person of people)
      await db().insert(WorkshopRegistration, {
        workshopId: workshop.id,
        userId: person.id,
        status: 'registered',
      });
    return workshop;
  }

  it('a coach sign-off names the reviewer and the date', async () => {
    const coach = await createUser(db(), { role: 'coach', displayName: 'Cora Coach' });
    const admin = await createUser(db(), { role: 'admin' });
    const organizer = await createUser(db());
    await db().insert(CoachAssignment, {
      organizerId: organizer.id,
      coachId: coach.id,
      assignedById: admin.id,
    });
    const organizerAgent = await signedInAgent(t.app, organizer.email);
    expect(
      (
        await postForm(organizerAgent, `/me/milestones/${COACH_MILESTONE}`, {
          body: 'I met ten people.',
          links: '',
        })
      ).status,
    ).toBe(303);
    const submission = await db().findOneByOrFail(EvidenceSubmission, { organizerId: organizer.id });
    const coachAgent = await signedInAgent(t.app, coach.email);
    expect(
      (
        await postForm(coachAgent, `/coach/submissions/${submission.id}/review`, {
          decision: 'approved',
          feedback: '',
          revision: String(submission.revision),
        })
      ).status,
    ).toBe(303);
    const title = track()
      .modules.flatMap((m) => m.milestones)
      .find((m) => m.id === COACH_MILESTONE)!.title;
    expect(describedAs(await evidenceOf(organizer.id), title, 'milestone')).toBe(
      `Evidence reviewed and signed off by Cora Coach on ${today()}.`,
    );
  });

  it('attendance names the workshop, its dates and how presence was recorded, by code or by the facilitator', async () => {
    const byCode = await createUser(db());
    const byFacilitator = await createUser(db());
    const workshop = await workshopWith(-10, [byCode, byFacilitator]);
    const { code } = currentCheckInCode(workshop.checkInSecret, workshop.id);
    const selfAgent = await signedInAgent(t.app, byCode.email);
    expect((await postForm(selfAgent, `/workshops/${workshop.id}/check-in`, { code })).status).toBe(303);
    expect(
      (
        await postForm(facilitatorAgent, `/workshops/${workshop.id}/attendance`, {
          [`status:${byFacilitator.id}`]: 'present',
        })
      ).status,
    ).toBe(303);
    const [start, end] = [workshop.startsAt, workshop.endsAt].map((d) => d.toISOString().slice(0, 10));
    const dates = `${start} to ${end}`;
    const span = start === end ? `on ${start}` : `from ${dates}`;
    const milestoneTitle = track()
      .modules.flatMap((m) => m.milestones)
      .find((m) => m.id === WORKSHOP_MILESTONE)!.title;

    const own = await evidenceOf(byCode.id);
    expect(describedAs(own, 'Incident response practice', 'workshop')).toBe(
      `Attended ${span}; checked in with the code shown in the room on ${today()}.`,
    );
    expect(describedAs(own, milestoneTitle, 'milestone')).toBe(
      `Completed through the workshop “Incident response practice” (${dates}): checked in with the code shown in the room on ${today()}.`,
    );
    const marked = await evidenceOf(byFacilitator.id);
    expect(describedAs(marked, 'Incident response practice', 'workshop')).toBe(
      `Attended ${span}; marked present by Fay Facilitator on ${today()}.`,
    );
    for (const entries of [own, marked])
      expect(entries.map((e) => e.description).join(' ')).not.toMatch(
        /approved by|checked in with the workshop code\./,
      );
  });

  it('never cites a workshop that has not started as attended', async () => {
    const early = await createUser(db());
    const workshop = await workshopWith(10, [early]);
    expect(
      (
        await postForm(facilitatorAgent, `/workshops/${workshop.id}/attendance`, {
          [`status:${early.id}`]: 'present',
        })
      ).status,
    ).toBe(303);
    const entries = await evidenceOf(early.id);
    expect(entries.filter((e) => e.kind === 'workshop')).toEqual([]);
    const milestone = entries.find((e) => e.kind === 'milestone');
    expect(milestone?.description).toMatch(
      /^Checked in for the workshop “Incident response practice” before it started/,
    );
    expect(milestone?.description).toContain('marked present by Fay Facilitator');
  });
});
