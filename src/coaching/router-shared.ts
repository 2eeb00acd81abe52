import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { CurriculumCatalog } from '../curriculum/catalog';
import type { ProgressService } from '../curriculum/progress.service';
import { NotFound } from '../web/errors';
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

const uuid = z.uuid();

/** The :id of a coaching URL, or 404 when it is not even shaped like one. */
export function idOf(req: Request): string {
  const parsed = uuid.safeParse(req.params.id);
  if (!parsed.success) throw new NotFound();
  return parsed.data;
}
