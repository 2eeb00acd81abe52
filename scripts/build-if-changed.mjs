// Runs the build command given as arguments only when the sources changed since its last
// successful run, so `npm start` after a restart skips the TypeScript build (about 9 s).
// "Changed" means any file under src/, migrations/ or scripts/, a tsconfig or the lockfile was
// added, removed or touched: their names, sizes and modification times are hashed into
// dist/.build-stamp after each successful build. Plain JavaScript, so it needs no build itself.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const root = process.cwd();
const WATCHED = ['src', 'migrations', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const stampFile = path.join(root, 'dist', '.build-stamp');
const output = path.join(root, 'dist', 'src', 'server.js');

function* filesUnder(entry) {
  const full = path.join(root, entry);
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(full).sort()) yield* filesUnder(path.join(entry, name));
  } else {
    yield `${entry}\t${stat.size}\t${stat.mtimeMs}`;
  }
}

function fingerprint() {
  const hash = createHash('sha256');
  for (const entry of WATCHED) for (const line of filesUnder(entry)) hash.update(`${line}\n`);
  return hash.digest('hex');
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('Usage: node scripts/build-if-changed.mjs <build command> [arguments]');
  process.exit(2);
}
const current = fingerprint();
const stamp = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : '';
if (stamp === current && fs.existsSync(output)) {
  console.log('Build is up to date: sources unchanged since the last build.');
  process.exit(0);
}
const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) process.exit(result.status ?? 1);
fs.mkdirSync(path.dirname(stampFile), { recursive: true });
fs.writeFileSync(stampFile, `${current}\n`);
