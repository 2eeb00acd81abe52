import express from 'express';
import request from 'supertest';
import { CalendarService } from '../../src/workshops/calendar.service';
import { errorHandler } from '../../src/web/error-handler';
import { redactUrl } from '../../src/web/logger';
import { startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { capturingLogger } from '../helpers/log-capture';

describe('secrets in log lines', () => {
  it('redacts calendar feed secrets, invite, reset and setup tokens, whatever their length', () => {
    expect(redactUrl('/calendar/abcDEF123_-xyz.ics')).toBe('/calendar/[redacted]');
    expect(redactUrl('/invites/short')).toBe('/invites/[redacted]');
    expect(redactUrl('/invites/abcdefghijklmnopqrstuvwxyz012345?x=1')).toBe('/invites/[redacted]?x=1');
    expect(redactUrl('/password/reset/tok%2Fen')).toBe('/password/reset/[redacted]');
    expect(redactUrl('/setup?a=1&token=abc')).toBe('/setup?a=1&token=[redacted]');
    expect(redactUrl('/admin/people?q=ada')).toBe('/admin/people?q=ada');
  });

  it('writes no token into the error log when a request with one in its path fails', async () => {
    const log = capturingLogger();
    const app = express();
    app.get('/invites/:token', () => {
      throw new Error('boom');
    });
    app.get('/password/reset/:token', () => {
      throw new Error('boom');
    });
    app.use(errorHandler(log.logger));
    await request(app).get('/invites/SECRETinviteTOKEN0123456789').set('accept', 'application/json');
    await request(app).get('/password/reset/SECRETresetTOKEN0123456789').set('accept', 'application/json');
    expect(log.errors()).toHaveLength(2);
    expect(JSON.stringify(log.lines)).not.toContain('SECRET');
  });

  describe('through the real app', () => {
    let t: TestApp;
    const log = capturingLogger('info');
    beforeAll(async () => {
      t = await startTestApp({ logger: log.logger });
    });
    afterAll(() => t.close());

    it('logs calendar polls without the feed secret', async () => {
      const person = await createUser(t.dataSource.manager);
      const token = await t.dataSource.transaction((m) => new CalendarService().createFeed(m, person));
      const feed = await request(t.app).get(`/calendar/${token}.ics`);
      expect(feed.status).toBe(200);
      await request(t.app).get(`/invites/${token}`);
      await request(t.app).get(`/password/reset/${token}`);
      await request(t.app).get(`/setup?token=${token}`);
      expect(log.lines.filter((line) => line.msg === 'request completed').length).toBeGreaterThanOrEqual(4);
      expect(JSON.stringify(log.lines)).not.toContain(token);
    });
  });
});
