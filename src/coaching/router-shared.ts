import type { DataSource } from 'typeorm';
import type { CurriculumCatalog } from '../curriculum/catalog';
import type { ProgressService } from '../curriculum/progress.service';
import type { AssignmentsService } from './assignments.service';
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
}

export { idOf } from '../web/params';
