/** @type {import('jest').Config} */
// Browser tests: the same transform and real-PostgreSQL global setup as `npm test`, but only
// test/browser/*.browser.test.ts, one file at a time (each drives a real Chromium).
const path = require('node:path');
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
  maxWorkers: 1,
};
