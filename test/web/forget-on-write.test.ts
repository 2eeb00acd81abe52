import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { ChangeFeed } from '../../src/db/change-feed';
import { forgetCachesOnWrite } from '../../src/web/forget-on-write';

describe('forgetCachesOnWrite', () => {
  const feed = new ChangeFeed({}, pino({ level: 'silent' }));
  let emptied: string[] = [];
  feed.watch('topic', () => emptied.push('topic'));
  const app = express();
  app.use(forgetCachesOnWrite(feed, new Set(['/verify'])));
  app.all('/{*path}', (req, res) => {
    // What the handler saw: the caches are emptied only as the response starts, after the change.
    res.set('x-emptied-before-response', String(emptied.length));
    res.send('ok');
  });

  beforeEach(() => {
    emptied = [];
  });

  it('empties this process’s caches as the response to a state-changing request starts', async () => {
    const response = await request(app).post('/coach/submissions/1/review');
    expect(response.headers['x-emptied-before-response']).toBe('0');
    expect(emptied).toEqual(['topic']);
    await request(app).delete('/anything');
    expect(emptied).toEqual(['topic', 'topic']);
  });

  it('leaves them alone for reads and the read-only certificate check', async () => {
    await request(app).get('/coach');
    await request(app).head('/coach');
    await request(app).post('/verify');
    expect(emptied).toEqual([]);
  });
});
