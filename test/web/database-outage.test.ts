import pino from 'pino';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { TEST_ENV, testCatalog } from '../helpers/app';
import { createTestDatabase, databaseUrl, dropTestDatabase } from '../helpers/database';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import { TcpProxy } from '../helpers/tcp-proxy';

describe('when the database goes away', () => {
  let name: string;
  let proxy: TcpProxy;
  let dataSource: DataSource;
  let app: App;

  beforeAll(async () => {
    name = await createTestDatabase();
    const target = new URL(databaseUrl(name));
    proxy = new TcpProxy(target.hostname, Number(target.port));
    const port = await proxy.start();
    target.host = `127.0.0.1:${port}`;
    dataSource = createDataSource({ url: target.toString(), poolMax: 3, connectTimeoutMs: 1000 });
    await dataSource.initialize();
    const config = loadConfig(TEST_ENV);
    app = createApp({
      config,
      dataSource,
      catalog: testCatalog(config.curriculumDir),
      logger: pino({ level: 'silent' }),
      sessionPruneSeconds: false,
    });
  });
  afterAll(async () => {
    await app.closeResources();
    await dataSource.destroy();
    await proxy.cut().catch(() => undefined);
    await dropTestDatabase(name);
  });

  it('answers 503 within a few seconds while it is down, then recovers by itself', async () => {
    const user = await createUser(dataSource.manager);
    const agent = await signedInAgent(app, user.email);
    expect((await request(app).get('/readyz')).status).toBe(200);

    await proxy.cut();
    const started = Date.now();
    const page = await agent.get('/account');
    expect(page.status).toBe(503);
    expect(page.text).toContain('cannot reach its database');
    expect(page.text).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await request(app).get('/readyz')).status).toBe(503);
    expect((await request(app).get('/healthz')).status).toBe(200);

    await proxy.restore();
    expect((await request(app).get('/readyz')).status).toBe(200);
    const again = await agent.get('/account');
    expect(again.status).toBe(200);
    expect(again.text).toContain(user.email);
  });
});
