import type { DataSource, EntityManager } from 'typeorm';
import type { SessionUser } from '../accounts/session-user';
import type { Celebration } from '../certificates/celebration';
import type { CurriculumCatalog } from '../curriculum/catalog';
import type { ProgressService } from '../curriculum/progress.service';
import type { WaitingAsk } from '../circles/ask-escalations';
import type { AssignmentsService } from './assignments.service';
import type { AttachmentsService } from './attachments.service';
import type { RecordsService } from './records.service';
import type { SubmissionsService } from './submissions.service';

export interface CoachingRouterDeps {
  dataSource: DataSource;
  catalog: CurriculumCatalog;
  progress: ProgressService;
  assignments: AssignmentsService;
  submissions: SubmissionsService;
  records: RecordsService;
  stalledAfterDays: number;
  /** Evidence files; without it, threads show no files. */
  attachments?: AttachmentsService;
  /** Certificates earned since the person's last visit to "Your progress" (each returned once). */
  celebrations?: (manager: EntityManager, actor: SessionUser | undefined) => Promise<Celebration[]>;
  /** Circle asks waiting for help that the coach should see (the dashboard's "Asks waiting for help"). */
  waitingAsks?: (manager: EntityManager, actor: SessionUser | undefined) => Promise<WaitingAsk[]>;
}

export { idOf } from '../web/params';
