import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';

describe('caching and browser-feature headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('sends Cache-Control: no-store on every page for a signed-in person', async () => {
    const admin = await createUser(t.dataSource.manager, { role: 'admin' });
    const agent = await signedInAgent(t.app, admin.email);
    for (const path of ['/', '/admin/outbox', '/admin/people', '/workshops', '/account', '/no-such-page']) {
      const response = await agent.get(path);
      expect([path, response.headers['cache-control']]).toEqual([path, 'no-store']);
    }
  });

  it('sends no-store on every response that carries a token, signed in or not', async () => {
    for (const path of [
      '/invites/someInviteToken123',
      '/password/reset/someResetToken123',
      '/setup?token=someSetupToken123',
      '/calendar/someFeedSecret123.ics',
    ]) {
      const response = await request(t.app).get(path);
      expect([path, response.headers['cache-control']]).toEqual([path, 'no-store']);
    }
  });

  it('leaves public pages for anonymous visitors cacheable as before', async () => {
    const response = await request(t.app).get('/login');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBeUndefined();
  });

  it('turns off browser features the app never uses', async () => {
    for (const path of ['/login', '/static/css/app.css', '/no-such-page']) {
      const policy = String((await request(t.app).get(path)).headers['permissions-policy']);
      for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()'])
        expect(policy).toContain(feature);
    }
  });
});
