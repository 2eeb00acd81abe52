import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCurriculum } from '../../src/curriculum/loader';
import { formatProblem } from '../../src/curriculum/problems';
import { projectRoot } from '../../src/paths';

/**
 * Fixture curricula. Every module file written by `moduleFile` has this layout, so tests can name
 * exact lines:
 *
 *   1 ---                         10     description: …
 *   2 id: <id>                    11     evidencePrompt: …
 *   3 title: …                    12     kind: coach
 *   4 summary: …                  13   - id: <second milestone id>
 *   5 estimatedMinutes: 20        14     title: …
 *   6 prerequisites: [<ids>]      15     description: …
 *   7 milestones:                 16     evidencePrompt: …
 *   8   - id: <first milestone>   17     kind: workshop
 *   9     title: …                18 ---
 *                                 19 first body line (`## Overview`), 20 blank, 21 first paragraph
 *
 * and every `track.md` written by `trackFile` lists its modules from line 8 on.
 */
interface ModuleOptions {
  prerequisites?: string[];
  body?: string;
  milestones?: [string, string];
}

function moduleFile(id: string, options: ModuleOptions = {}): string {
  const { prerequisites = [], milestones = [`${id}-plan`, `${id}-practice`] } = options;
  const body = options.body ?? `## Overview\n\nWhat module ${id} teaches.\n`;
  return [
    '---',
    `id: ${id}`,
    `title: Module ${id}`,
    `summary: What module ${id} is about, in one sentence.`,
    'estimatedMinutes: 20',
    `prerequisites: [${prerequisites.join(', ')}]`,
    'milestones:',
    `  - id: ${milestones[0]}`,
    '    title: Make a plan',
    '    description: Write down what you will try with your group.',
    '    evidencePrompt: Share the plan, what happened when you tried it and what you would change.',
    '    kind: coach',
    `  - id: ${milestones[1]}`,
    '    title: Practice it',
    '    description: Practice with other organizers at a workshop.',
    '    evidencePrompt: Attend the linked workshop and take part in the practice round.',
    '    kind: workshop',
    '---',
    body,
  ].join('\n');
}

function trackFile(id: string, modules: string[], intro = `Welcome to track ${id}.\n`): string {
  return [
    '---',
    `id: ${id}`,
    `title: Track ${id}`,
    `summary: What track ${id} covers.`,
    `certificateName: Track ${id} graduate`,
    `criteria: The holder completed every module of track ${id}.`,
    'modules:',
    ...modules.map((module) => `  - ${module}`),
    '---',
    intro,
  ].join('\n');
}

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n';

/** A valid curriculum: two tracks, prerequisites, an asset image with alt text and links across tracks. */
const baseline = (): Record<string, string> => ({
  'assets/diagram.svg': SVG,
  'alpha/track.md': trackFile('alpha', ['one', 'two', 'three'], 'Start with [module one](one.md).\n'),
  'alpha/one.md': moduleFile('one', { body: '## Overview\n\nRead [module two](two.md) next.\n' }),
  'alpha/two.md': moduleFile('two', { prerequisites: ['one'] }),
  'alpha/three.md': moduleFile('three', {
    prerequisites: ['two'],
    body: [
      '## Overview',
      '',
      '![A diagram of the meeting cycle](../assets/diagram.svg)',
      '',
      'See [listening](../beta/four.md#listening) in the other track.',
      '',
    ].join('\n'),
  }),
  'beta/track.md': trackFile('beta', ['four', 'five']),
  'beta/four.md': moduleFile('four', {
    body: '## Listening\n\nBack to [module one](../alpha/one.md).\n',
  }),
  'beta/five.md': moduleFile('five', { prerequisites: ['four', 'one'] }),
});

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Writes the baseline into `<tmp>/curriculum`, with `changes` applied: a string replaces (or adds)
 * a file, `null` deletes it. Returns the curriculum folder.
 */
function writeCurriculum(changes: Record<string, string | null> = {}): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'curriculum-check-'));
  tempDirs.push(parent);
  const rootDir = path.join(parent, 'curriculum');
  const files: Record<string, string | null> = { ...baseline(), ...changes };
  for (const [file, content] of Object.entries(files)) {
    if (content === null) continue;
    fs.mkdirSync(path.dirname(path.join(rootDir, file)), { recursive: true });
    fs.writeFileSync(path.join(rootDir, file), content);
  }
  return rootDir;
}

/** The problems `npm run curriculum:check` would print, in order. */
function check(changes: Record<string, string | null> = {}): string[] {
  return loadCurriculum(writeCurriculum(changes)).problems.map(formatProblem);
}

const base = baseline();
/** Replaces one occurrence of `from` in a baseline file (failing loudly when it is not there). */
function edit(file: string, from: string, to: string): Record<string, string> {
  const content = base[file];
  if (!content.includes(from)) throw new Error(`fixture: "${from}" not found in ${file}`);
  return { [file]: content.replace(from, to) };
}

describe('curriculum checker', () => {
  it('loads the valid baseline with zero problems', () => {
    const { curriculum, problems } = loadCurriculum(writeCurriculum());
    expect(problems).toEqual([]);
    expect(curriculum!.tracks.map((track) => [track.id, track.modules.map((module) => module.id)])).toEqual([
      ['alpha', ['one', 'two', 'three']],
      ['beta', ['four', 'five']],
    ]);
    const three = curriculum!.moduleById.get('three')!;
    expect(three.html).toContain('src="/curriculum/assets/diagram.svg"');
    expect(three.html).toContain('alt="A diagram of the meeting cycle"');
    expect(three.html).toContain('href="/tracks/beta/four#listening"');
  });

  describe('front matter', () => {
    it('reports a YAML syntax error on its line', () => {
      expect(check(edit('alpha/two.md', 'summary: What', 'summary: one: What'))).toEqual([
        'curriculum/alpha/two.md:4: YAML: Nested mappings are not allowed in compact mappings',
      ]);
    });

    it('reports a file without front matter on line 1', () => {
      expect(check({ 'alpha/two.md': '## Just a body\n\nNo front matter here.\n' })).toEqual([
        'curriculum/alpha/two.md:1: missing front matter: the file must start with a --- YAML block ---',
      ]);
    });

    it.each([
      [
        'a missing title',
        edit('alpha/two.md', 'title: Module two\n', ''),
        'curriculum/alpha/two.md:2: title: is required',
      ],
      [
        'milestone kind quiz',
        edit('alpha/two.md', 'kind: coach', 'kind: quiz'),
        'curriculum/alpha/two.md:12: milestones.0.kind: must be coach or workshop',
      ],
      [
        'estimatedMinutes "twenty"',
        edit('alpha/two.md', 'estimatedMinutes: 20', 'estimatedMinutes: "twenty"'),
        'curriculum/alpha/two.md:5: estimatedMinutes: must be a number of minutes',
      ],
      [
        'an unknown key',
        edit('alpha/two.md', 'estimatedMinutes: 20\n', 'estimatedMinutes: 20\ncolor: blue\n'),
        'curriculum/alpha/two.md:6: Unrecognized key: "color"',
      ],
      [
        'an unknown key in a milestone',
        edit('alpha/two.md', '    kind: workshop\n', '    kind: workshop\n    points: 10\n'),
        'curriculum/alpha/two.md:18: milestones.1: Unrecognized key: "points"',
      ],
      [
        'a track open to an unknown role',
        edit('alpha/track.md', 'modules:\n', 'openTo:\n  roles: [partner]\nmodules:\n'),
        'curriculum/alpha/track.md:8: openTo.roles.0: must be one of organizer, coach, admin',
      ],
      [
        'a track open to nobody',
        edit('alpha/track.md', 'modules:\n', 'openTo: {}\nmodules:\n'),
        'curriculum/alpha/track.md:7: openTo: must name at least one role or cohort',
      ],
    ])('reports a schema error: %s', (_name, changes, expected) => {
      expect(check(changes)).toEqual([expected]);
    });
  });

  describe('ids', () => {
    it('reports a module id that does not match its file name', () => {
      // The author renamed the id everywhere but forgot to rename the file.
      expect(
        check({
          ...edit('alpha/two.md', 'id: two\n', 'id: second\n'),
          'alpha/track.md': trackFile('alpha', ['one', 'second', 'three']),
          ...edit('alpha/three.md', 'prerequisites: [two]', 'prerequisites: [second]'),
        }),
      ).toEqual(['curriculum/alpha/two.md:2: id "second" must match the file name "two"']);
    });

    it('reports a track id that does not match its folder', () => {
      expect(check(edit('alpha/track.md', 'id: alpha', 'id: alfa'))).toEqual([
        'curriculum/alpha/track.md:2: id "alfa" must match the folder name "alpha"',
      ]);
    });

    it('reports a module id used in two tracks', () => {
      expect(
        check({
          'beta/track.md': trackFile('beta', ['four', 'five', 'one']),
          'beta/one.md': moduleFile('one', { milestones: ['one-beta-plan', 'one-beta-practice'] }),
        }),
      ).toEqual(['curriculum/beta/one.md:2: duplicate module id "one" (also in curriculum/alpha/one.md)']);
    });

    it('reports a milestone id used twice in the same module', () => {
      expect(
        check({
          'alpha/two.md': moduleFile('two', { prerequisites: ['one'], milestones: ['two-plan', 'two-plan'] }),
        }),
      ).toEqual([
        'curriculum/alpha/two.md:13: duplicate milestone id "two-plan" (also in curriculum/alpha/two.md)',
      ]);
    });

    it('reports a milestone id used in another module (across tracks)', () => {
      expect(check(edit('beta/four.md', 'id: four-practice', 'id: one-practice'))).toEqual([
        'curriculum/beta/four.md:13: duplicate milestone id "one-practice" (also in curriculum/alpha/one.md)',
      ]);
    });
  });

  describe('prerequisites', () => {
    it('reports an unknown prerequisite on its own line', () => {
      expect(
        check(edit('alpha/two.md', 'prerequisites: [one]\n', 'prerequisites:\n  - one\n  - nowhere\n')),
      ).toEqual(['curriculum/alpha/two.md:8: unknown prerequisite "nowhere"']);
    });

    it('reports a prerequisite cycle once', () => {
      // one → three → two → one (two requires one, three requires two).
      expect(check(edit('alpha/one.md', 'prerequisites: []', 'prerequisites: [three]'))).toEqual([
        'curriculum/alpha/one.md:6: cyclic prerequisites: one → three → two → one',
      ]);
    });

    it('reports a module that requires itself (and not also as a cycle)', () => {
      expect(check(edit('alpha/two.md', 'prerequisites: [one]', 'prerequisites: [one, two]'))).toEqual([
        'curriculum/alpha/two.md:6: module "two" cannot require itself',
      ]);
    });
  });

  describe('links and images', () => {
    it('reports links to modules that do not exist', () => {
      expect(
        check(
          edit(
            'alpha/one.md',
            'Read [module two](two.md) next.\n',
            'Read [module two](two.md) next.\n\nThen [the lost one](missing.md) and [coaching](../beta/six.md#top).\n',
          ),
        ),
      ).toEqual([
        'curriculum/alpha/one.md:23: broken link to missing.md: no such module',
        'curriculum/alpha/one.md:23: broken link to ../beta/six.md#top: no such module',
      ]);
    });

    it('reports a broken link in track.md', () => {
      expect(
        check({ 'beta/track.md': trackFile('beta', ['four', 'five'], 'Start at [four](fuor.md).\n') }),
      ).toEqual(['curriculum/beta/track.md:11: broken link to fuor.md: no such module']);
    });

    it('accepts links with anchors to existing modules, in-page anchors and external links', () => {
      expect(
        check(
          edit(
            'alpha/one.md',
            'Read [module two](two.md) next.\n',
            [
              'Read [module two](two.md#overview) next, then [five](../beta/five.md#overview).',
              '',
              'Jump [down](#overview) or visit [the site](https://example.org/guide).',
              '',
            ].join('\n'),
          ),
        ),
      ).toEqual([]);
    });

    it('reports a missing image', () => {
      expect(check(edit('alpha/three.md', '(../assets/diagram.svg)', '(../assets/chart.svg)'))).toEqual([
        'curriculum/alpha/three.md:21: missing image ../assets/chart.svg',
      ]);
    });

    it('reports an image without alt text', () => {
      expect(check(edit('alpha/three.md', '![A diagram of the meeting cycle]', '![]'))).toEqual([
        'curriculum/alpha/three.md:21: image ../assets/diagram.svg has no alt text',
      ]);
    });

    it.each([
      '../secret.png',
      '../../assets/diagram.svg',
      'https://example.org/logo.png',
      '//example.org/logo.png',
    ])('reports an image outside curriculum/assets/: %s', (src) => {
      expect(check(edit('alpha/three.md', '(../assets/diagram.svg)', `(${src})`))).toEqual([
        `curriculum/alpha/three.md:21: image ${src} must come from curriculum/assets/`,
      ]);
    });

    it('ignores links and images inside fenced code blocks, and keeps counting lines after them', () => {
      const body = [
        '## Overview', // 19
        '',
        '```markdown', // 21
        '[broken](missing.md)',
        '![](../secret.png)',
        '```',
        '',
        '~~~', // 26
        '![](https://example.org/x.png)',
        '~~~',
        '',
        'After the fences, [a real broken link](gone.md).', // 30
        '',
      ].join('\n');
      expect(check({ 'alpha/two.md': moduleFile('two', { prerequisites: ['one'], body }) })).toEqual([
        'curriculum/alpha/two.md:30: broken link to gone.md: no such module',
      ]);
    });

    it('ignores inline code and fences that contain shorter fences', () => {
      const body = [
        '## Overview', // 19
        '',
        'Link with `[text](other-module.md)` and ``![](x.png)``.', // 21
        '',
        '````markdown', // 23
        '```',
        '[still inside](missing.md)',
        '```',
        '````', // 27
        '',
        'Then [a real broken link](gone.md).', // 29
        '',
      ].join('\n');
      expect(check({ 'alpha/two.md': moduleFile('two', { prerequisites: ['one'], body }) })).toEqual([
        'curriculum/alpha/two.md:29: broken link to gone.md: no such module',
      ]);
    });

    it('checks both the image and the link of a linked image', () => {
      const linked = (image: string, href: string) =>
        edit(
          'alpha/three.md',
          '![A diagram of the meeting cycle](../assets/diagram.svg)',
          `[${image}](${href})`,
        );
      expect(check(linked('![A diagram](../assets/diagram.svg)', '../beta/four.md'))).toEqual([]);
      expect(check(linked('![](../secret.png)', 'nowhere.md'))).toEqual([
        'curriculum/alpha/three.md:21: image ../secret.png has no alt text',
        'curriculum/alpha/three.md:21: image ../secret.png must come from curriculum/assets/',
        'curriculum/alpha/three.md:21: broken link to nowhere.md: no such module',
      ]);
    });
  });

  describe('tracks', () => {
    it('reports track.md listing an unknown module', () => {
      expect(check({ 'alpha/track.md': trackFile('alpha', ['one', 'two', 'three', 'ghost']) })).toEqual([
        'curriculum/alpha/track.md:11: unknown module "ghost": no such file in this track',
      ]);
    });

    it('reports a module file that track.md does not list', () => {
      expect(check({ 'alpha/extra.md': moduleFile('extra') })).toEqual([
        'curriculum/alpha/extra.md:2: module "extra" is not listed in curriculum/alpha/track.md modules',
      ]);
    });

    it('reports a module listed twice', () => {
      expect(check({ 'alpha/track.md': trackFile('alpha', ['one', 'two', 'three', 'two']) })).toEqual([
        'curriculum/alpha/track.md:11: module "two" is listed twice',
      ]);
    });

    it('reports a folder without track.md', () => {
      expect(check({ 'gamma/six.md': moduleFile('six') })).toEqual([
        'curriculum/gamma:1: track folder without track.md',
      ]);
    });
  });

  it('reports every problem in one run', () => {
    const problems = check({
      ...edit('alpha/two.md', 'summary: What', 'summary: one: What'),
      ...edit('alpha/three.md', '(../assets/diagram.svg)', '(../assets/chart.svg)'),
      'beta/track.md': trackFile('beta', ['four', 'five', 'ghost']),
    });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        'curriculum/alpha/two.md:4: YAML: Nested mappings are not allowed in compact mappings',
        'curriculum/alpha/three.md:21: missing image ../assets/chart.svg',
        'curriculum/beta/track.md:10: unknown module "ghost": no such file in this track',
      ]),
    );
  });

  describe('npm run curriculum:check', () => {
    const run = (...args: string[]) =>
      spawnSync(path.join(projectRoot, 'node_modules/.bin/tsx'), ['scripts/curriculum-check.ts', ...args], {
        cwd: projectRoot,
        encoding: 'utf8',
      });

    it('exits 0 with "Curriculum OK" for a valid curriculum', () => {
      const result = run(writeCurriculum());
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /^Curriculum OK: 2 tracks, 5 modules, 10 milestones \(version [0-9a-f]{12}\)\n$/,
      );
    });

    it('exits 1 and prints every problem as file:line: message on stderr', () => {
      const result = run(
        writeCurriculum({
          ...edit('alpha/one.md', 'prerequisites: []', 'prerequisites: [three]'),
          ...edit('alpha/three.md', '![A diagram of the meeting cycle]', '![]'),
        }),
      );
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n');
      expect(lines).toContain('curriculum/alpha/three.md:21: image ../assets/diagram.svg has no alt text');
      expect(lines).toContain('curriculum/alpha/one.md:6: cyclic prerequisites: one → three → two → one');
      expect(result.stderr).toMatch(/\n2 problem\(s\) in .*curriculum\n$/);
    });

    it('passes the shipped curriculum (no folder argument)', () => {
      expect(loadCurriculum(path.join(projectRoot, 'curriculum')).problems.map(formatProblem)).toEqual([]);
      const result = run();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Curriculum OK: 4 tracks, \d+ modules, \d+ milestones/);
    });
  });
});

describe('curriculum checker: facilitator kits', () => {
  const withKit = (kit: string) =>
    edit('alpha/one.md', '    kind: workshop\n', `    kind: workshop\n    kit: ${kit}\n`);

  it('renders a declared kit for its workshop milestone', () => {
    const { curriculum, problems } = loadCurriculum(
      writeCurriculum({ ...withKit('kits/one-practice.md'), 'kits/one-practice.md': '## Run sheet\n\nTen minutes.\n' }),
    );
    expect(problems).toEqual([]);
    expect(curriculum!.kitByMilestoneId.get('one-practice')!.html).toContain('Run sheet');
    expect(curriculum!.tracks.map((track) => track.id)).toEqual(['alpha', 'beta']);
  });

  it('reports a kit that is missing, on the line that declares it', () => {
    expect(check(withKit('kits/one-practice.md'))).toEqual([
      'curriculum/alpha/one.md:18: facilitator kit kits/one-practice.md does not exist',
    ]);
  });

  it('reports a kit on a coach milestone and a kit path outside kits/', () => {
    const coachKit = edit('alpha/one.md', '    kind: coach\n', '    kind: coach\n    kit: kits/one-plan.md\n');
    expect(check({ ...coachKit, 'kits/one-plan.md': '# Kit\n' })).toEqual([
      'curriculum/alpha/one.md:13: only workshop milestones have a facilitator kit ("one-plan")',
    ]);
    expect(check(withKit('../secrets.md'))[0]).toMatch(/alpha\/one\.md:18: .*must be a path like kits\/<milestone-id>\.md/);
  });
});

describe('curriculum checker: templates and other files in assets/', () => {
  const linking = (target: string) =>
    edit('alpha/two.md', "What module two teaches.\n", `What module two teaches.\n\nUse the [plan](${target}).\n`);

  it('links a template in assets/ to its served URL', () => {
    const { curriculum, problems } = loadCurriculum(
      writeCurriculum({ ...linking('../assets/templates/plan.md'), 'assets/templates/plan.md': '# Plan\n' }),
    );
    expect(problems).toEqual([]);
    expect(curriculum!.moduleById.get('two')!.html).toContain('href="/curriculum/assets/templates/plan.md"');
  });

  it('reports a link to a template that does not exist, with its line', () => {
    expect(check(linking('../assets/templates/plan.md'))).toEqual([
      'curriculum/alpha/two.md:23: broken link to ../assets/templates/plan.md: no such file',
    ]);
  });
});

describe('curriculum checker: US English', () => {
  it('reports British spellings in modules, kits and assets with file and line, ignoring links and code', () => {
    const british = edit(
      'alpha/two.md',
      'What module two teaches.\n',
      'What module two teaches.\n\nOrganisers practise in the neighbourhood centre.\n\nSee [a link](https://example.org/organise) and `colour`.\n',
    );
    expect(
      check({ ...british, 'assets/notes.md': '# Notes\n\nA judgement call.\n', 'kits/k.md': 'Cancelled.\n' }),
    ).toEqual([
      'curriculum/alpha/two.md:23: British spelling "Organisers": use US English (organiz…)',
      'curriculum/alpha/two.md:23: British spelling "centre": use US English (center)',
      'curriculum/alpha/two.md:23: British spelling "neighbourhood": use US English (neighbor…)',
      'curriculum/alpha/two.md:23: British spelling "practise": use US English (practic…)',
      'curriculum/kits/k.md:1: British spelling "Cancelled": use US English (cancel(ed|ing))',
      'curriculum/assets/notes.md:3: British spelling "judgement": use US English (judgment)',
    ]);
  });

  it('reports -ise, -yse, doubled-l and other British forms, leaving US words that look alike alone', () => {
    const british = edit(
      'alpha/two.md',
      'What module two teaches.\n',
      'What module two teaches.\n\nWe analysed and synthesised notes whilst we travelled; our defence is on file.\n\nWe advertise, promise, realize, analyze, travel and are advising.\n',
    );
    expect(check(british)).toEqual([
      'curriculum/alpha/two.md:23: British spelling "synthesised": use US English (-ize / -ization)',
      'curriculum/alpha/two.md:23: British spelling "analysed": use US English (-yze)',
      'curriculum/alpha/two.md:23: British spelling "travelled": use US English (one l (traveled, modeling…))',
      'curriculum/alpha/two.md:23: British spelling "defence": use US English (-ense)',
      'curriculum/alpha/two.md:23: British spelling "whilst": use US English (while)',
    ]);
  });
});

describe('curriculum checker: further reading', () => {
  const reading = (items: string) =>
    edit('alpha/two.md', 'What module two teaches.\n', `What module two teaches.\n\n## Further reading\n\n${items}\n## Next\n\n- no link needed here\n`);

  it('accepts https links and existing curriculum files', () => {
    expect(
      check(reading('- [Playbook](https://github.com/codeforamerica/brigade-knowledge): guides.\n- [Module one](one.md)\n')),
    ).toEqual([]);
  });

  it('reports http, malformed and missing links with their lines', () => {
    expect(
      check(reading('- [Old](http://example.org/x)\n- [Odd](https:/nowhere)\n- A book without a link\n- [Gone](gone.md)\n')),
    ).toEqual([
      'curriculum/alpha/two.md:25: further reading link http://example.org/x must be an absolute https URL',
      'curriculum/alpha/two.md:26: further reading link https:/nowhere must be an absolute https URL',
      'curriculum/alpha/two.md:27: further reading item without a link',
      'curriculum/alpha/two.md:28: broken link to gone.md: no such module',
    ]);
  });
});
