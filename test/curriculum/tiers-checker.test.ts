import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCurriculum } from '../../src/curriculum/loader';
import { formatProblem } from '../../src/curriculum/problems';
import { projectRoot } from '../../src/paths';

/** `curriculum:check` on tiers, replaced ids, alternatives and the ledger, run against edited copies of the shipped curriculum. */
const shippedDir = path.join(projectRoot, 'curriculum');
const HOST = 'civic-tech-host/track.md';
const ORGANIZER = 'civic-tech-organizer/track.md';
const LEAD = 'civic-tech-chapter-lead/track.md';
const HANDOVER = 'civic-tech-chapter-lead/sustaining-and-handover.md';
const BUDGETS = 'civic-tech-chapter-lead/budgets-and-fundraising.md';
const LEDGER = 'milestone-ids.txt';

const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'tiers-check-'));
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

/** Copies the shipped curriculum with `[file, from, to]` replacements applied; returns the problems. */
function check(...edits: [string, string | RegExp, string][]): string[] {
  const rootDir = fs.mkdtempSync(path.join(parent, 'c-'));
  fs.cpSync(shippedDir, rootDir, { recursive: true });
  for (const [file, from, to] of edits) {
    const absolute = path.join(rootDir, file);
    const source = fs.readFileSync(absolute, 'utf8');
    const changed = source.replace(from, to);
    if (changed === source) throw new Error(`${String(from)} is not in ${file}`);
    fs.writeFileSync(absolute, changed);
  }
  return loadCurriculum(rootDir)
    .problems.map(formatProblem)
    .map((line) => line.replace(`${path.basename(rootDir)}/`, 'curriculum/'));
}

describe('curriculum:check on tiers and curriculum changes', () => {
  it('passes the shipped curriculum', () => {
    expect(check()).toEqual([]);
  });

  describe('track prerequisites', () => {
    it('reports an unknown required track and a track requiring itself', () => {
      expect(check([ORGANIZER, 'requires: [civic-tech-host]', 'requires: [civic-tech-hots, civic-tech-organizer]'])).toEqual([
        expect.stringMatching(/^curriculum\/civic-tech-organizer\/track.md:\d+: unknown required track "civic-tech-hots"$/),
        expect.stringMatching(/^curriculum\/civic-tech-organizer\/track.md:\d+: track "civic-tech-organizer" cannot require itself$/),
      ]);
    });

    it('reports a cycle of tiers once', () => {
      const problems = check([HOST, 'modules:', 'requires: [civic-tech-chapter-lead]\nmodules:']);
      expect(problems).toEqual([
        expect.stringMatching(
          /^curriculum\/civic-tech-[a-z-]+\/track.md:\d+: cyclic track prerequisites: (civic-tech-[a-z-]+ → ){3}civic-tech-[a-z-]+$/,
        ),
      ]);
    });

    it('reports a module prerequisite in a later tier', () => {
      expect(
        check(['civic-tech-host/scoping-projects.md', 'prerequisites: [people-first]', 'prerequisites: [starting-a-chapter]']),
      ).toEqual([
        expect.stringMatching(
          /^curriculum\/civic-tech-host\/scoping-projects.md:\d+: prerequisite "starting-a-chapter" is in "civic-tech-organizer", a later tier than "civic-tech-host"$/,
        ),
      ]);
    });

    it('links to a track page from track.md, and finds a module by its id when it moved to another tier', () => {
      expect(check([LEAD, 'then **Chapter Lead**.', 'then **Chapter Lead** (see [people first](people-first.md)).'])).toEqual([]);
    });
  });

  describe('replaced ids', () => {
    it('refuses a replaced id that is still a current milestone id (never reused)', () => {
      expect(check([HANDOVER, 'replaces: [starting-a-chapter-roles-and-rotation]', 'replaces: [sustaining-and-handover-sunset-plan]'])).toEqual([
        expect.stringMatching(
          /^curriculum\/civic-tech-chapter-lead\/sustaining-and-handover.md:\d+: "sustaining-and-handover-sunset-plan" is a current milestone id: a replaced id is never used again$/,
        ),
        // And the id it no longer replaces would be orphaned.
        expect.stringMatching(/^curriculum\/milestone-ids.txt:\d+: milestone "starting-a-chapter-roles-and-rotation" shipped but is gone/),
      ]);
    });

    it('refuses an id replaced twice', () => {
      expect(
        check([
          'civic-tech-chapter-lead/partnerships.md',
          'replaces: [scoping-projects-partner-agreement]',
          'replaces: [scoping-projects-partner-agreement, starting-a-chapter-roles-and-rotation]',
        ]),
      ).toEqual([
        expect.stringMatching(
          /^curriculum\/civic-tech-chapter-lead\/sustaining-and-handover.md:\d+: "starting-a-chapter-roles-and-rotation" is already replaced by "partnerships-mou-draft"$/,
        ),
      ]);
    });

    it('refuses a replaced id that never shipped', () => {
      expect(check([HANDOVER, 'replaces: [starting-a-chapter-roles-and-rotation]', 'replaces: [starting-a-chapter-roles-and-rotation, made-up-milestone]'])).toEqual([
        expect.stringMatching(/: "made-up-milestone" never shipped: it is not in curriculum\/milestone-ids.txt$/),
      ]);
    });

    it('reports a shipped milestone that is gone without a replacement (its completions would be orphaned)', () => {
      expect(check([HANDOVER, /\n {4}# Merged with[^\n]*\n {4}replaces: \[starting-a-chapter-roles-and-rotation\]/, ''])).toEqual([
        expect.stringMatching(
          /^curriculum\/milestone-ids.txt:\d+: milestone "starting-a-chapter-roles-and-rotation" shipped but is gone: list it in "replaces"/,
        ),
      ]);
    });

    it('asks for a new milestone id to be added to the ledger', () => {
      expect(check([LEDGER, 'budgets-and-fundraising-alliance-budget\n', ''])).toEqual([
        expect.stringMatching(
          /^curriculum\/civic-tech-chapter-lead\/budgets-and-fundraising.md:\d+: milestone "budgets-and-fundraising-alliance-budget" is not in curriculum\/milestone-ids.txt/,
        ),
      ]);
    });

    it('needs the ledger for replaced ids', () => {
      const rootDir = fs.mkdtempSync(path.join(parent, 'no-ledger-'));
      fs.cpSync(shippedDir, rootDir, { recursive: true });
      fs.rmSync(path.join(rootDir, LEDGER));
      const problems = loadCurriculum(rootDir).problems.map(formatProblem);
      expect(problems).toHaveLength(2);
      for (const problem of problems) expect(problem).toMatch(/replaces needs the ledger curriculum\/milestone-ids.txt/);
    });
  });

  describe('alternatives', () => {
    it('refuses an alternative to a milestone of another module, to itself, or to another alternative', () => {
      expect(check([BUDGETS, 'alternativeTo: budgets-and-fundraising-annual-budget', 'alternativeTo: people-first-listening-tour'])).toEqual([
        expect.stringMatching(/: alternativeTo "people-first-listening-tour" is not a milestone of this module$/),
      ]);
      expect(check([BUDGETS, 'alternativeTo: budgets-and-fundraising-annual-budget', 'alternativeTo: budgets-and-fundraising-alliance-budget'])).toEqual([
        expect.stringMatching(/: milestone "budgets-and-fundraising-alliance-budget" cannot be an alternative to itself$/),
      ]);
      expect(
        check([
          BUDGETS,
          '  - id: budgets-and-fundraising-money-report\n',
          '  - id: budgets-and-fundraising-money-report\n    alternativeTo: budgets-and-fundraising-alliance-budget\n',
        ]),
      ).toEqual([
        expect.stringMatching(/: "budgets-and-fundraising-alliance-budget" is itself an alternative; name the milestone it stands in for$/),
      ]);
    });
  });

  describe('kits and templates', () => {
    it('reports a facilitator kit and a template that are referenced but missing', () => {
      expect(
        check(
          ['civic-tech-host/facilitation.md', 'kit: kits/facilitation-practice-workshop.md', 'kit: kits/facilitation-nope.md'],
          [BUDGETS, '../assets/templates/budget-sheet.csv', '../assets/templates/budget-sheet-missing.csv'],
        ),
      ).toEqual([
        expect.stringMatching(/budgets-and-fundraising.md:\d+: broken link to \.\.\/assets\/templates\/budget-sheet-missing.csv: no such file$/),
        expect.stringMatching(/facilitation.md:\d+: facilitator kit kits\/facilitation-nope.md does not exist$/),
      ]);
    });
  });
});
