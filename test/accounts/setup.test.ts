import request from 'supertest';
import { AccountsService } from '../../src/accounts/accounts.service';
import { LoginThrottle } from '../../src/accounts/login-throttle';
import { SetupToken } from '../../src/accounts/one-time-token.entities';
import { User } from '../../src/accounts/user.entity';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { startTestApp, type TestApp } from '../helpers/app';
import { postForm, type Agent } from '../helpers/http';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

describe('first-admin setup', () => {
  let t: TestApp;
  let accounts: AccountsService;

  beforeEach(async () => {
    t = await startTestApp();
    const pool = (t.dataSource.driver as PostgresDriver).master as Pool;
    accounts = new AccountsService(new LoginThrottle(pool), t.config.baseUrl);
  });
  afterEach(() => t.close());

  const issueToken = () => t.dataSource.transaction((m) => accounts.issueSetupToken(m));

  const submitSetup = (agent: Agent, token: string, fields: Record<string, string>) =>
    postForm(agent, `/setup?token=${token}`, fields);

  it('starts with no accounts at all, and a fresh instance issues a setup token of at least 128 bits', async () => {
    expect(await t.dataSource.manager.count(User)).toBe(0);
    const token = await issueToken();
    expect(token).toBeDefined();
    expect(Buffer.from(token!, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(await t.dataSource.manager.count(SetupToken)).toBe(1);
  });

  it('creates the first admin from the setup link, signs them in, and the link dies after use', async () => {
    const token = (await issueToken())!;
    const agent = request.agent(t.app);
    const response = await submitSetup(agent, token, {
      displayName: 'Ada Admin',
      email: 'Ada@Example.org',
      password: 'a long and unusual passphrase',
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/admin/people');
    const admin = await t.dataSource.manager.findOneByOrFail(User, { email: 'ada@example.org' });
    expect(admin).toMatchObject({ role: 'admin', displayName: 'Ada Admin', active: true });
    expect(admin.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await t.dataSource.manager.count(SetupToken)).toBe(0);
    expect(await t.dataSource.manager.countBy(AuditEvent, { action: 'account.setup_admin' })).toBe(1);
    expect((await agent.get('/admin/people')).status).toBe(200);

    const again = await request(t.app).get(`/setup?token=${token}`);
    expect(again.text).toContain('This setup link is not valid');
    expect(await issueToken()).toBeUndefined();
  });

  it('refuses a wrong token and a weak password without creating anyone', async () => {
    const token = (await issueToken())!;
    const agent = request.agent(t.app);
    const wrong = await submitSetup(agent, 'not-the-token', {
      displayName: 'Mallory',
      email: 'm@example.org',
      password: 'a long and unusual passphrase',
    });
    expect(wrong.status).toBe(410);
    const weak = await submitSetup(agent, token, {
      displayName: 'Ada',
      email: 'ada@example.org',
      password: 'qwerty123456',
    });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('most common');
    expect(weak.text).toContain('value="ada@example.org"');
    expect(weak.text).not.toContain('qwerty123456');
    expect(await t.dataSource.manager.count(User)).toBe(0);
  });

  it('makes exactly one admin when two setup requests race', async () => {
    const [first, second] = [(await issueToken())!, (await issueToken())!];
    const results = await Promise.allSettled(
      [first, second].map((token, i) =>
        t.dataSource.transaction((m) =>
          accounts.completeSetup(m, token, {
            displayName: `Admin ${i}`,
            email: `admin${i}@example.org`,
            password: 'a long and unusual passphrase',
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await t.dataSource.manager.countBy(User, { role: 'admin' })).toBe(1);
  });
});
