import { parse } from 'csv-parse/sync';
import { recordAudit } from '../../src/audit/audit';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent, type Agent } from '../helpers/http';

describe('audit log page', () => {
  let t: TestApp;
  let agent: Agent;
  const db = () => t.dataSource.manager;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await createUser(db(), { role: 'admin', displayName: 'Audrey Admin' });
    agent = await signedInAgent(t.app, admin.email);
    const subject = await createUser(db(), { displayName: 'Sam Subject', email: 'sam.subject@example.org' });
    await recordAudit(db(), {
      actorId: admin.id,
      action: 'user.updated',
      subjectType: 'user',
      subjectId: subject.id,
      details: { role: { from: 'organizer', to: 'coach' } },
    });
    await recordAudit(db(), {
      actorId: admin.id,
      action: 'certificate.revoked',
      subjectType: 'certificate',
      subjectId: 'c1',
      details: { userId: subject.id, reason: 'Wrong person, "oops"' },
    });
    await recordAudit(db(), {
      actorId: null,
      action: 'issuer_key.rotated',
      subjectType: 'issuer_key',
      subjectId: '2',
    });
    await db().query(
      `UPDATE audit_events SET created_at = '2020-01-15T12:00:00Z' WHERE action = 'issuer_key.rotated'`,
    );
  });
  afterAll(() => t.close());

  it('searches by person (actor or subject), action and date', async () => {
    const byPerson = await agent.get('/admin/audit?person=sam.subject');
    expect(byPerson.status).toBe(200);
    expect(byPerson.text).toContain('2 events found');
    expect(byPerson.text).toContain('certificate.revoked');
    const byAction = await agent.get('/admin/audit?action=certificate.');
    expect(byAction.text).toContain('1 event found');
    const byDate = await agent.get('/admin/audit?from=2020-01-01&to=2020-01-31');
    expect(byDate.text).toContain('1 event found');
    expect(byDate.text).toContain('issuer_key.rotated');
    expect(byDate.text).toContain('system');
    const nothing = await agent.get('/admin/audit?person=nobody-at-all');
    expect(nothing.text).toContain('0 events found');
    const hostile = await agent.get('/admin/audit?person=%25_%5C&from=not-a-date&page=-3');
    expect(hostile.status).toBe(200);
  });

  it('exports the same search as CSV', async () => {
    const response = await agent.get('/admin/audit.csv?person=sam.subject');
    expect(response.status).toBe(200);
    const rows = parse<Record<string, string>>(response.text.slice(1), { columns: true });
    expect(rows.map((r) => r.action).sort()).toEqual(['certificate.revoked', 'user.updated']);
    expect(rows.find((r) => r.action === 'certificate.revoked')!.details).toContain(
      '"reason":"Wrong person, \\"oops\\""',
    );
  });
});
