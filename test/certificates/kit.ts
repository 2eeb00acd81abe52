import { IsNull } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { createCertificateServices } from '../../src/certificates';
import { Certificate } from '../../src/certificates/certificate.entities';
import { ProgressService } from '../../src/curriculum/progress.service';
import { testCatalog, type TestApp } from '../helpers/app';

export const TRACK_ID = 'civic-tech-host';

/** The certificate services wired exactly as the app wires them, plus shortcuts to finish a track. */
export function certificateKit(t: TestApp) {
  const curriculum = () => testCatalog(t.config.curriculumDir).current();
  const services = createCertificateServices(t.config, curriculum);
  const progress = new ProgressService(curriculum);
  progress.useHooks(services.hooks);
  const track = curriculum().trackById.get(TRACK_ID)!;
  const milestoneIds = track.modules.flatMap((m) => m.milestones.map((milestone) => milestone.id));
  const lastMilestone = milestoneIds[milestoneIds.length - 1];

  /** Every milestone but the last, written directly (as if completed long ago). */
  async function completeAllButLast(userId: string, manager: EntityManager = t.dataSource.manager) {
    const rows = milestoneIds.slice(0, -1).map((milestoneId) => {
      const found = curriculum().milestoneById.get(milestoneId)!;
      return { userId, milestoneId, moduleId: found.module.id, trackId: TRACK_ID, source: 'admin' };
    });
    await manager
      .createQueryBuilder()
      .insert()
      .into('milestone_completions')
      .values(rows)
      .orIgnore()
      .execute();
  }

  /** Completes one milestone through the progress hook, in its own transaction. */
  function complete(userId: string, milestoneId = lastMilestone) {
    return t.dataSource.transaction((m) =>
      progress.milestoneCompleted(m, { userId, milestoneId, source: 'coach' }),
    );
  }

  async function certify(userId: string): Promise<Certificate> {
    await completeAllButLast(userId);
    await complete(userId);
    return t.dataSource.manager.findOneByOrFail(Certificate, {
      userId,
      trackId: TRACK_ID,
      supersededAt: IsNull(),
    });
  }

  return { ...services, progress, track, milestoneIds, lastMilestone, completeAllButLast, complete, certify };
}
