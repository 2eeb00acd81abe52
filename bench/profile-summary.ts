import fs from 'node:fs';

/**
 * `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: self time by function and by package,
 * to read a `--cpu-prof` profile without DevTools.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(1);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 30);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const packageOf = (url: string) => {
  if (!url) return '(native/idle)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node core';
  if (url.includes('/dist/src/')) return `app: ${url.replace(/.*\/dist\/src\//, '').split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
};
const fnTimes = new Map<string, number>();
const pkgTimes = new Map<string, number>();
for (const [id, t] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${lineNumber + 1}` : ''}`;
  fnTimes.set(key, (fnTimes.get(key) ?? 0) + t);
  const pkg = packageOf(url);
  pkgTimes.set(pkg, (pkgTimes.get(pkg) ?? 0) + t);
}
const show = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, t] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(
      `${((t / total) * 100).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(7)} ms  ${key}`,
    );
};
// Inclusive time: a node's own samples plus its descendants', counted once per function per stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
const label = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
for (const [id, t] of self) {
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const key = label(byId.get(cur)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + t);
  }
}
show('Self time by package', pkgTimes);
show('Self time by function', fnTimes);
if (process.env.INCLUSIVE) {
  const filter = new RegExp(process.env.INCLUSIVE);
  show(
    `Inclusive time (functions matching ${filter})`,
    new Map([...inclusive].filter(([k]) => filter.test(k))),
  );
}
