import request from 'supertest';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { redactUrl, requestLogger } from '../../src/web/logger';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { anonymousAgent, csrfToken, postForm, signedInAgent } from '../helpers/http';

describe('web plumbing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends security headers: a CSP without inline scripts, no framing, no X-Powered-By', async () => {
    const response = await request(t.app).get('/');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves its stylesheet locally and pages reference no other origin', async () => {
    const page = await request(t.app).get('/login');
    expect(page.text).toContain('href="/static/css/app.css"');
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.text).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    const css = await request(t.app).get('/static/css/app.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });

  it('refuses a state-changing form without a valid CSRF token and changes nothing', async () => {
    const user = await createUser(t.dataSource.manager);
    const agent = await signedInAgent(t.app, user.email);
    const missing = await agent.post('/admin/chapters').type('form').send({ name: 'Sneaky' });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired');
    const forged = await agent.post('/logout').type('form').send({ _csrf: 'forged-token' });
    expect(forged.status).toBe(403);
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('does not accept a CSRF token from another session', async () => {
    const user = await createUser(t.dataSource.manager);
    const victim = await signedInAgent(t.app, user.email);
    const attackerToken = await csrfToken(anonymousAgent(t.app));
    const response = await victim.post('/logout').type('form').send({ _csrf: attackerToken });
    expect(response.status).toBe(403);
  });

  it('shows a clear 404 page for unknown paths', async () => {
    const response = await request(t.app).get('/no/such/page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('We could not find that page.');
    expect(response.text).toContain('<h1>Not found</h1>');
  });

  it('answers JSON clients with JSON errors', async () => {
    const response = await request(t.app).get('/no/such/page').set('Accept', 'application/json');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ status: 404, error: 'Not found' });
  });

  it('refuses oversized bodies with 413 and no stack trace', async () => {
    const agent = anonymousAgent(t.app);
    const response = await agent
      .post('/login')
      .type('form')
      .send({ email: 'a@example.org', password: 'x'.repeat(200_000) });
    expect(response.status).toBe(413);
    expect(response.text).not.toMatch(/at .+\(.+:\d+:\d+\)/);
  });

  it('refuses overlong and wrongly typed fields with a message next to the field', async () => {
    const user = await createUser(t.dataSource.manager, { role: 'admin' });
    const agent = await signedInAgent(t.app, user.email);
    const overlong = await postForm(agent, '/admin/chapters', { name: 'x'.repeat(121), region: 'Here' });
    expect(overlong.status).toBe(400);
    expect(overlong.text).toContain('Chapter name can be at most 120 characters.');
    expect(overlong.text).toContain('aria-invalid="true"');
    expect(overlong.text).toContain('value="Here"');
    const array = await postForm(agent, '/admin/chapters', { name: ['a', 'b'] });
    expect(array.status).toBe(400);
    expect(array.text).toContain('Chapter name must be plain text.');
  });

  it('renders the error page without internals for unexpected failures', async () => {
    const user = await createUser(t.dataSource.manager, { role: 'admin' });
    const agent = await signedInAgent(t.app, user.email);
    await t.dataSource.query(`
      CREATE FUNCTION chapters_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'chapters_refuse says no'; END $$`);
    await t.dataSource.query(
      'CREATE TRIGGER chapters_refuse BEFORE INSERT ON chapters FOR EACH ROW EXECUTE FUNCTION chapters_refuse()',
    );
    try {
      const response = await postForm(agent, '/admin/chapters', { name: 'Refused' });
      expect(response.status).toBe(500);
      expect(response.text).toContain('Something went wrong');
      expect(response.text).not.toMatch(/chapters_refuse|INSERT|QueryFailedError|at .+:\d+:\d+/);
    } finally {
      await t.dataSource.query('DROP TRIGGER chapters_refuse ON chapters');
      await t.dataSource.query('DROP FUNCTION chapters_refuse');
    }
  });

  it('answers 503 without internals when the schema is not what this code expects (a newer version migrated)', async () => {
    const user = await createUser(t.dataSource.manager, { role: 'admin' });
    const agent = await signedInAgent(t.app, user.email);
    await t.dataSource.query(`ALTER TABLE chapters RENAME TO chapters_gone`);
    try {
      const response = await agent.get('/admin/chapters');
      expect(response.status).toBe(503);
      expect(response.text).not.toMatch(/chapters_gone|relation|SELECT|QueryFailedError|at .+:\d+:\d+/);
    } finally {
      await t.dataSource.query(`ALTER TABLE chapters_gone RENAME TO chapters`);
    }
  });

  it('reports liveness and readiness', async () => {
    expect((await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(t.app).get('/readyz')).body).toEqual({ status: 'ready' });
  });

  it('shows navigation by role', async () => {
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const organizer = await createUser(t.dataSource.manager, { role: 'organizer' });
    const adminHome = await (await signedInAgent(t.app, admin.email)).get('/');
    const organizerHome = await (await signedInAgent(t.app, organizer.email)).get('/');
    expect(adminHome.text).toContain('href="/admin/people"');
    expect(organizerHome.text).not.toContain('href="/admin/people"');
    expect(organizerHome.text).toContain('Sign out');
  });
});

describe('request logs', () => {
  it('never contain one-time tokens from links', () => {
    expect(redactUrl('/setup?token=abcdefghijklmnopqrstuvwxyz012345')).toBe('/setup?token=[redacted]');
    expect(redactUrl('/invites/abcdefghijklmnopqrstuvwxyz012345')).toBe('/invites/[redacted]');
    expect(redactUrl('/password/reset/abcdefghijklmnopqrstuvwxyz012345')).toBe('/password/reset/[redacted]');
    expect(redactUrl('/admin/people?q=ada')).toBe('/admin/people?q=ada');
  });

  const logLines = async (level: string) => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const app = express().use(requestLogger(pino({ level }, sink)));
    app.get('/page', (_req, res) => res.send('ok'));
    await request(app).get('/page?token=abcdefghijklmnopqrstuvwxyz012345').expect(200);
    return lines;
  };

  it('record each request at info, with the URL redacted', async () => {
    const lines = await logLines('info');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]) as { req: { url: string }; res: { statusCode: number } };
    expect(entry.req.url).toBe('/page?token=[redacted]');
    expect(entry.res.statusCode).toBe(200);
  });

  it('are not written when the level is above info', async () => {
    expect(await logLines('warn')).toEqual([]);
  });
});
