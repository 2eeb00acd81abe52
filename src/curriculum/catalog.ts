import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Curriculum } from './curriculum.types';
import { loadCurriculum, type RenderCache } from './loader';
import { formatProblem, InvalidCurriculum } from './problems';

/** Holds the loaded curriculum; in development it reloads when a file changes. */
export class CurriculumCatalog {
  private curriculum: Curriculum;
  private readonly cache: RenderCache = new Map();
  private watcher: fs.FSWatcher | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private readonly listeners: ((curriculum: Curriculum) => void)[] = [];

  /** Loads `rootDir`; throws InvalidCurriculum listing every problem. */
  constructor(private readonly rootDir: string) {
    const { curriculum, problems } = loadCurriculum(rootDir, this.cache);
    if (!curriculum) throw new InvalidCurriculum(problems);
    this.curriculum = curriculum;
  }

  current(): Curriculum {
    return this.curriculum;
  }

  onChange(listener: (curriculum: Curriculum) => void): void {
    this.listeners.push(listener);
  }

  /** Re-reads the folder; keeps the previous curriculum when the new one has problems. */
  reload(logger: Logger): boolean {
    const { curriculum, problems } = loadCurriculum(this.rootDir, this.cache);
    if (!curriculum) {
      logger.error(
        { problems: problems.map(formatProblem) },
        'curriculum has problems; keeping the previous version',
      );
      return false;
    }
    if (curriculum.version === this.curriculum.version) return false;
    this.curriculum = curriculum;
    logger.info({ version: curriculum.version.slice(0, 12) }, 'curriculum reloaded');
    for (const listener of this.listeners) listener(curriculum);
    return true;
  }

  /** Watches the folder (development): a changed file reloads without a restart. */
  watch(logger: Logger): void {
    this.watcher = fs.watch(this.rootDir, { recursive: true }, () => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => this.reload(logger), 150);
    });
  }

  close(): void {
    clearTimeout(this.reloadTimer);
    this.watcher?.close();
  }
}
