import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharedGlobalSetup from '../helpers/global-setup';

const projectRoot = path.resolve(__dirname, '../..');
/** Kept outside the project so the build leaves nothing behind but dist/ (what `npm run build` writes). */
const BUILD_INFO = path.join(os.tmpdir(), 'organizer-academy-reliability.tsbuildinfo');
const SERVER_ENTRY = path.join(projectRoot, 'dist', 'src', 'server.js');

/**
 * The shared setup (one PostgreSQL, the migrated template database), plus a fresh build of dist/:
 * the server processes under test run `node dist/src/server.js`, exactly as `npm start` does.
 * The build is incremental; it starts from scratch when dist/ was removed since the last run.
 */
export default async function globalSetup(): Promise<void> {
  if (!fs.existsSync(SERVER_ENTRY)) fs.rmSync(BUILD_INFO, { force: true });
  const build = promisify(execFile)(
    process.execPath,
    [
      path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--incremental',
      '--tsBuildInfoFile',
      BUILD_INFO,
    ],
    { cwd: projectRoot },
  ).catch((error: { stdout?: string; message: string }) => {
    throw new Error(`the build (tsc -p tsconfig.build.json) failed:\n${error.stdout ?? error.message}`);
  });
  await Promise.all([sharedGlobalSetup(), build]);
}
