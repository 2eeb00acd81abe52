import express, { Router } from 'express';
import request from 'supertest';
import { onlyFor } from '../../src/web/only-for';

describe('onlyFor: a router tried only for its own paths', () => {
  const inner = Router();
  let tried = 0;
  inner.use((_req, _res, next) => {
    tried += 1;
    next();
  });
  inner.get('/c/:code', (req, res) => {
    res.send(`certificate ${req.params.code}`);
  });
  const app = express();
  app.use(onlyFor(/^\/(c|verify)(\/|$)/i, inner));
  app.get('/tracks/x', (_req, res) => {
    res.send('module');
  });

  it('serves its paths as before (Express matches paths case-insensitively) and skips the others', async () => {
    expect((await request(app).get('/c/abc')).text).toBe('certificate abc');
    expect((await request(app).get('/C/abc')).text).toBe('certificate abc');
    expect(tried).toBe(2);
    expect((await request(app).get('/tracks/x')).text).toBe('module');
    expect((await request(app).get('/cx')).status).toBe(404);
    expect(tried).toBe(2);
  });

  it("keeps the router's routes visible to route listings", () => {
    const guarded = onlyFor(/^\/c\//, inner) as unknown as { stack: unknown[] };
    expect(guarded.stack).toBe((inner as unknown as { stack: unknown[] }).stack);
  });
});
