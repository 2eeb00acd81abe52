import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, whether we run from src/ (tsx, jest) or dist/src/ (node). */
function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(__dirname);
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
export const dataFilesDir = path.join(projectRoot, 'data');
