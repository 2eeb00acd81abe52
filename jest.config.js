/** @type {import('jest').Config} */
// ESM-only packages: ts-jest transforms them so Jest's CommonJS runtime on Node 20 can load them.
const esmOnly = [
  'marked',
  '@digitalbazaar',
  // The DCC's verifier libraries (tests verify credentials with them, as partners do).
  '@digitalcredentials',
  '@interop',
  'ky',
  'klona',
  'jwt-decode',
  'jsonld-document-loader',
  'credentials-context',
  'did-context',
  'ed25519-signature-2020-context',
  'x25519-key-agreement-2020-context',
  'base58-universal',
  'base64url-universal',
  // sanitize-html >= 2.18 parses with htmlparser2 12, which is ESM-only, as are its DOM helpers.
  'htmlparser2',
  'domhandler',
  'domutils',
  'dom-serializer',
  'domelementtype',
  'entities',
  // feed (the chapters' Atom feeds) is ESM-only.
  'feed',
  // file-type (evidence attachments) and the tokenizers it reads with.
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/test/browser/'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
