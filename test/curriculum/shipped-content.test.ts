import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Curriculum } from '../../src/curriculum/curriculum.types';
import { loadCurriculum } from '../../src/curriculum/loader';
import { formatProblem } from '../../src/curriculum/problems';
import { projectRoot } from '../../src/paths';

const shippedDir = path.join(projectRoot, 'curriculum');

function load(rootDir: string): Curriculum {
  const { curriculum, problems } = loadCurriculum(rootDir);
  if (!curriculum) throw new Error(`${rootDir} has problems:\n${problems.map(formatProblem).join('\n')}`);
  return curriculum;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('the shipped curriculum', () => {
  const curriculum = load(shippedDir);
  const modules = [...curriculum.moduleById.values()];
  const milestones = modules.flatMap((module) => module.milestones);

  it('has the organizer ladder (Host, Organizer, Chapter Lead: 10+ modules) and the Coach track (3 modules)', () => {
    const ladder = ['civic-tech-host', 'civic-tech-organizer', 'civic-tech-chapter-lead'];
    expect(ladder.map((id) => curriculum.trackById.get(id)?.requires)).toEqual([[], [ladder[0]], [ladder[1]]]);
    expect(ladder.reduce((n, id) => n + curriculum.trackById.get(id)!.modules.length, 0)).toBeGreaterThanOrEqual(10);
    expect(curriculum.trackById.get('coach')?.modules).toHaveLength(3);
  });

  it.each(modules.map((module) => [module.id, module] as const))(
    '%s has a 700–1,800 word body and 2–4 milestones',
    (_id, module) => {
      expect(words(module.text)).toBeGreaterThanOrEqual(700);
      expect(words(module.text)).toBeLessThanOrEqual(1800);
      expect(module.milestones.length).toBeGreaterThanOrEqual(2);
      expect(module.milestones.length).toBeLessThanOrEqual(4);
    },
  );

  it('has at least three workshop milestones on the organizer ladder', () => {
    const ladder = ['civic-tech-host', 'civic-tech-organizer', 'civic-tech-chapter-lead'];
    const workshops = ladder.flatMap((id) => curriculum.trackById.get(id)!.modules).flatMap((module) =>
      module.milestones.filter((milestone) => milestone.kind === 'workshop'),
    );
    expect(workshops.length).toBeGreaterThanOrEqual(3);
  });

  it('asks for concrete evidence in every milestone', () => {
    const vague = milestones.filter((milestone) => milestone.evidencePrompt.length < 60).map((m) => m.id);
    expect(vague).toEqual([]);
  });

  it('uses unique module and milestone ids', () => {
    const moduleIds = curriculum.tracks.flatMap((track) => track.modules.map((module) => module.id));
    expect(new Set(moduleIds).size).toBe(moduleIds.length);
    expect(moduleIds.length).toBe(curriculum.moduleById.size);
    const milestoneIds = milestones.map((milestone) => milestone.id);
    expect(new Set(milestoneIds).size).toBe(milestoneIds.length);
    expect(milestoneIds.length).toBe(curriculum.milestones.length);
  });

  describe('versions', () => {
    let copyParent: string;
    beforeAll(() => {
      copyParent = fs.mkdtempSync(path.join(os.tmpdir(), 'curriculum-version-'));
    });
    afterAll(() => fs.rmSync(copyParent, { recursive: true, force: true }));

    it('gives every track a 64-hex version that changes when one module changes', () => {
      for (const track of curriculum.tracks) expect(track.version).toMatch(/^[0-9a-f]{64}$/);
      expect(curriculum.version).toMatch(/^[0-9a-f]{64}$/);

      const copy = path.join(copyParent, 'curriculum');
      fs.cpSync(shippedDir, copy, { recursive: true });
      expect(load(copy).version).toBe(curriculum.version);

      const edited = curriculum.trackById.get('coach')!.modules[1];
      const file = path.join(copy, 'coach', `${edited.id}.md`);
      fs.appendFileSync(file, '\nOne more sentence for the version test.\n');
      const changed = load(copy);

      const module = changed.moduleById.get(edited.id)!;
      expect(module.contentHash).not.toBe(edited.contentHash);
      expect(changed.trackById.get('coach')!.version).not.toBe(curriculum.trackById.get('coach')!.version);
      expect(changed.trackById.get('coach')!.version).toMatch(/^[0-9a-f]{64}$/);
      expect(changed.trackById.get('civic-tech-organizer')!.version).toBe(
        curriculum.trackById.get('civic-tech-organizer')!.version,
      );
      expect(changed.version).not.toBe(curriculum.version);
    });
  });
});
