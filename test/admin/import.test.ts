import request from 'supertest';
import { Invite } from '../../src/accounts/invite.entity';
import { hashToken } from '../../src/accounts/tokens';
import { User as UserEntity } from '../../src/accounts/user.entity';
import type { User } from '../../src/accounts/user.entity';
import { CoachAssignment } from '../../src/coaching/coaching.entities';
import { startTestApp, type TestApp } from '../helpers/app';
import { createChapter, createUser } from '../helpers/factories';
import { csrfToken, postForm, signedInAgent, type Agent } from '../helpers/http';

describe('bulk invite from CSV', () => {
  let t: TestApp;
  let admin: User;
  let agent: Agent;
  let coach: User;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(db(), { role: 'admin' });
    agent = await signedInAgent(t.app, admin.email);
    await createChapter(db(), { name: 'Code for Harbor' });
    coach = await createUser(db(), { role: 'coach', email: 'grace.coach@example.org' });
    await createUser(db(), { email: 'existing@example.org' });
  });
  afterAll(() => t.close());

  const FILE = [
    'Email,Name,Role,Chapter,Cohort,Coach',
    'ada@example.org,Ada Lovelace,organizer,Code for Harbor,Spring 2027,grace.coach@example.org',
    'BOB@example.org,"Bob, the builder",,code for harbor,Spring 2027,',
    'not-an-email,Nobody,organizer,,,',
    'carol@example.org,Carol,wizard,Atlantis,,',
    'existing@example.org,Already Here,organizer,,,',
    'ada@example.org,Ada Again,organizer,,,',
    'dan@example.org,Dan,coach,,,grace.coach@example.org',
  ].join('\n');

  const send = async (fields: Record<string, string>, file?: string) => {
    const token = await csrfToken(agent);
    const request = agent.post('/admin/import').field('_csrf', token);
    for (const [key, value] of Object.entries(fields)) request.field(key, value);
    if (file !== undefined) request.attach('file', Buffer.from(file), 'people.csv');
    return request;
  };

  it('dry-runs a file: each row outcome and every error with its line, nothing written', async () => {
    const before = await db().count(Invite);
    const response = await send({ step: 'preview' }, FILE);
    expect(response.status).toBe(200);
    expect(response.text).toContain('Dry run: nothing has been written yet');
    expect(response.text).toMatch(
      /<strong>2<\/strong> to invite · 1 already have an account · 0 already invited · <strong>4<\/strong> with errors/,
    );
    expect(response.text).toContain('&#34;not-an-email&#34; is not an email address.');
    expect(response.text).toContain('Unknown role &#34;wizard&#34;');
    expect(response.text).toContain('There is no chapter called &#34;Atlantis&#34;.');
    expect(response.text).toContain('This email is already on line 2.');
    expect(response.text).toContain('Only organizers get a coach.');
    expect(response.text).toContain('Spring 2027 (new)');
    expect(await db().count(Invite)).toBe(before);
  });

  it('imports the valid rows in one transaction, and importing the same file again creates nothing', async () => {
    const first = await send({ step: 'import', csv: FILE });
    expect(first.status).toBe(303);
    const flashPage = await agent.get('/admin/invites');
    expect(flashPage.text).toContain(
      '2 invited; 1 already had an account, 0 already had an open invite, 4 rows with errors were skipped.',
    );
    const invites = await db().find(Invite, {
      where: [{ email: 'ada@example.org' }, { email: 'bob@example.org' }],
      relations: { cohort: true, chapter: true },
    });
    expect(
      invites.map((i) => [i.email, i.displayName, i.role, i.chapter?.name, i.cohort?.name]).sort(),
    ).toEqual([
      ['ada@example.org', 'Ada Lovelace', 'organizer', 'Code for Harbor', 'Spring 2027'],
      ['bob@example.org', 'Bob, the builder', 'organizer', 'Code for Harbor', 'Spring 2027'],
    ]);
    expect(invites.find((i) => i.email === 'ada@example.org')!.coachId).toBe(coach.id);
    expect(await db().query(`SELECT count(*)::int AS n FROM cohorts WHERE name = 'Spring 2027'`)).toEqual([
      { n: 1 },
    ]);

    const again = await send({ step: 'import', csv: FILE });
    expect(again.status).toBe(303);
    expect((await agent.get('/admin/invites')).text).toContain(
      '0 invited; 1 already had an account, 2 already had an open invite',
    );
    expect(await db().countBy(Invite, { email: 'ada@example.org' })).toBe(1);
  });

  it('a confirm sent twice at once, naming a new cohort, makes one cohort and one invite each, never a 500', async () => {
    const file = [
      'Email,Name,Role,Chapter,Cohort,Coach',
      'twice.one@example.org,One,organizer,,Autumn Twice,',
      'twice.two@example.org,Two,organizer,,Autumn Twice,',
    ].join('\n');
    const token = await csrfToken(agent); // one token for both: fetching two would race
    const confirm = () =>
      agent.post('/admin/import').field('_csrf', token).field('step', 'import').field('csv', file);
    const responses = await Promise.all([confirm(), confirm()]);
    expect(responses.map((response) => response.status)).toEqual([303, 303]);
    const [cohorts] = await db().query<{ n: string }[]>(
      `SELECT count(*) AS n FROM cohorts WHERE name = 'Autumn Twice'`,
    );
    expect(Number(cohorts.n)).toBe(1);
    expect(await db().countBy(Invite, { email: 'twice.one@example.org' })).toBe(1);
    expect(await db().countBy(Invite, { email: 'twice.two@example.org' })).toBe(1);
  });

  it('gives accepted invitees their cohort and coach, and suggests the imported name', async () => {
    const invite = await db().findOneByOrFail(Invite, { email: 'ada@example.org' });
    // The emailed token is only stored hashed; give the invite a known one.
    const token = 'a'.repeat(43);
    await db().update(Invite, invite.id, { tokenHash: hashToken(token) });
    const visitor = request.agent(t.app);
    const page = await visitor.get(`/invites/${token}`);
    expect(page.text).toContain('value="Ada Lovelace"');
    const accepted = await postForm(visitor, `/invites/${token}`, {
      displayName: 'Ada L.',
      password: 'a long enough passphrase 2027',
    });
    expect(accepted.status).toBe(303);
    const user = await db().findOneByOrFail(UserEntity, { email: 'ada@example.org' });
    expect(user.cohortId).toBe(invite.cohortId);
    expect(await db().countBy(CoachAssignment, { organizerId: user.id, coachId: coach.id })).toBe(1);
  });

  it('refuses files it cannot read, with a message, and requires the CSRF token', async () => {
    const empty = await send({ step: 'preview', csv: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Choose a CSV file or paste its contents.');
    const noHeader = await send({ step: 'preview', csv: 'ada@example.org,Ada\n' });
    expect(noHeader.status).toBe(400);
    expect(noHeader.text).toContain('The first line must name the columns');
    const broken = await send({ step: 'preview', csv: 'email,name\n"unterminated,x\n' });
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('The file is not valid CSV');
    const forged = await agent.post('/admin/import').field('step', 'import').field('csv', FILE);
    expect(forged.status).toBe(403);
  });
});
