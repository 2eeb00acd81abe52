import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'academy-config-'));
}

describe('configuration', () => {
  it('has working defaults for a fresh clone', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({
      port: 3000,
      baseUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      dataDir,
      smtpUrl: undefined,
      trustProxy: false,
      logLevel: 'info',
      secureCookies: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('generates the session secret once and keeps it in the data dir (mode 600)', () => {
    const dataDir = tempDir();
    const first = loadConfig({ DATA_DIR: dataDir }).sessionSecret;
    const second = loadConfig({ DATA_DIR: dataDir }).sessionSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(second).toBe(first);
    expect(fs.statSync(path.join(dataDir, 'session-secret')).mode & 0o777).toBe(0o600);
  });

  it('lists every problem in one readable message', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        BASE_URL: 'ftp://example.org',
        DATABASE_URL: 'mysql://x',
        SESSION_SECRET: 'short',
        TRUST_PROXY: 'true',
        LOG_LEVEL: 'loud',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'BASE_URL', 'DATABASE_URL', 'SESSION_SECRET', 'TRUST_PROXY', 'LOG_LEVEL']) {
      expect(problems).toContain(`${name}:`);
    }
    expect((error as ConfigError).message).toMatch(/^Invalid configuration:\n {2}- /);
    expect(problems).toContain('must not be "true"');
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses, and HTTPS base URLs turn on secure cookies', () => {
    const common = { SESSION_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ ...common, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...common, TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
    const https = loadConfig({ ...common, BASE_URL: 'https://academy.example.org/' });
    expect(https.baseUrl).toBe('https://academy.example.org');
    expect(https.secureCookies).toBe(true);
  });
});
