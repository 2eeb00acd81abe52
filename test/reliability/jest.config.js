/** @type {import('jest').Config} */
// Reliability suite (`npm run test:reliability`): concurrency across two real server processes, crash
// and restart, a real PostgreSQL outage, graceful shutdown, and hostile-input fuzzing. The same
// ts-jest transform and real-PostgreSQL global setup as `npm test`; its own global setup also builds
// dist/ (the server processes run `node dist/src/server.js`). Test files end in `.reliability.ts` so
// the root `jest` run (which matches `*.test.ts`) does not pick them up.
const path = require('node:path');
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.reliability.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/reliability/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
};
