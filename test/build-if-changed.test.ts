import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.join(__dirname, '..', 'scripts', 'build-if-changed.mjs');

describe('npm start builds only when sources changed', () => {
  let dir: string;
  // The "build" records each run and produces the server file, as tsc would.
  const build = () =>
    execFileSync(
      process.execPath,
      [
        SCRIPT,
        process.execPath,
        '-e',
        `const fs = require('fs'); fs.appendFileSync('runs.txt', 'x'); fs.mkdirSync('dist/src', { recursive: true }); fs.writeFileSync('dist/src/server.js', '');`,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
  const runs = () => fs.readFileSync(path.join(dir, 'runs.txt'), 'utf8').length;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-stamp-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), 'export {};\n');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('builds the first time, skips while nothing changed, and builds again after an edit, an addition or a removal', () => {
    build();
    expect(runs()).toBe(1);
    expect(build()).toContain('Build is up to date');
    expect(runs()).toBe(1);

    const file = path.join(dir, 'src', 'server.ts');
    fs.writeFileSync(file, 'export const changed = true;\n');
    build();
    expect(runs()).toBe(2);

    fs.writeFileSync(path.join(dir, 'src', 'new.ts'), 'export {};\n');
    build();
    expect(runs()).toBe(3);

    fs.rmSync(path.join(dir, 'src', 'new.ts'));
    build();
    expect(runs()).toBe(4);
    build();
    expect(runs()).toBe(4);
  });

  it('builds again when the output is gone, and keeps no stamp after a failed build', () => {
    build();
    fs.rmSync(path.join(dir, 'dist', 'src', 'server.js'));
    build();
    expect(runs()).toBe(2);

    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), 'broken\n');
    expect(() =>
      execFileSync(process.execPath, [SCRIPT, process.execPath, '-e', 'process.exit(3)'], {
        cwd: dir,
        stdio: 'pipe',
      }),
    ).toThrow();
    build();
    expect(runs()).toBe(3);
  });
});
