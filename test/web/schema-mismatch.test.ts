import pino from 'pino';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { TEST_ENV, testCatalog } from '../helpers/app';
import { connectTestDatabase, createTestDatabase, dropTestDatabase } from '../helpers/database';
import { createUser } from '../helpers/factories';
import { signedInAgent } from '../helpers/http';
import type { DataSource } from 'typeorm';

/**
 * During a rolling upgrade a newer version may migrate the schema while this (older) process still
 * serves. A query naming a column or table that is no longer there must be answered 503 (another,
 * newer process can serve it) with a log line saying what happened, not a 500.
 */
describe('an old process meeting a newer schema', () => {
  let name: string;
  let dataSource: DataSource;
  let app: App;
  const lines: string[] = [];

  beforeAll(async () => {
    name = await createTestDatabase();
    dataSource = await connectTestDatabase(name, 3);
    const config = loadConfig(TEST_ENV);
    app = createApp({
      config,
      dataSource,
      catalog: testCatalog(config.curriculumDir),
      logger: pino({ level: 'error' }, { write: (line: string) => void lines.push(line) }),
      sessionPruneSeconds: false,
    });
  });
  afterAll(async () => {
    await app.closeResources();
    await dataSource.destroy();
    await dropTestDatabase(name);
  });

  it('answers 503 with Retry-After and logs that the schema is newer, when a column it reads was renamed', async () => {
    const user = await createUser(dataSource.manager);
    const agent = await signedInAgent(app, user.email);
    const page = '/tracks/civic-tech-host/people-first';
    expect((await agent.get(page)).status).toBe(200);

    await dataSource.query('ALTER TABLE module_reads RENAME COLUMN read_at TO first_read_at');
    const response = await agent.get(page);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.text).not.toMatch(/read_at|column/);
    expect(lines.join('\n')).toMatch(/schema is newer than this process/);
  });
});
