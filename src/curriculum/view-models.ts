import type { Role } from '../accounts/roles';
import type { Curriculum, CurriculumModule, CurriculumTrack } from './curriculum.types';
import type { ModuleViewerState, TrackProgress } from './progress.service';
import { moduleRequirements } from './requirements';

const STATE_LABELS = {
  'not-started': 'Not started',
  read: 'Read',
  'in-progress': 'In progress',
  complete: 'Complete',
} as const;

/** Where coaches and admins read a workshop milestone's facilitator kit. */
export const kitUrl = (trackId: string, milestoneId: string) => `/tracks/${trackId}/kits/${milestoneId}`;

const moduleUrl = (module: CurriculumModule) => `/tracks/${module.trackId}/${module.id}`;

/**
 * A tier's place on the ladder: its time expectation, the certificates it requires and, for a
 * signed-in reader (`missing` given), whether it is open to them yet.
 */
export function tierModel(curriculum: Curriculum, track: CurriculumTrack, missing: CurriculumTrack[] | undefined) {
  const link = (other: CurriculumTrack) => ({
    title: other.title,
    certificateName: other.certificateName,
    url: `/tracks/${other.id}`,
  });
  return {
    timeExpectation: track.timeExpectation,
    requires: track.requires.flatMap((id) => {
      const required = curriculum.trackById.get(id);
      return required ? [link(required)] : [];
    }),
    /** Undefined for anonymous readers; true once every required certificate is held. */
    open: missing && missing.length === 0,
    missing: (missing ?? []).map(link),
  };
}

/** Plain data for the track page: modules in order, and progress for a signed-in reader. */
export function trackPageModel(
  track: CurriculumTrack,
  progress: TrackProgress | undefined,
  tier?: ReturnType<typeof tierModel>,
) {
  const totalMinutes = track.modules.reduce((sum, m) => sum + m.estimatedMinutes, 0);
  return {
    track: {
      id: track.id,
      title: track.title,
      summary: track.summary,
      introHtml: track.introHtml,
      certificateName: track.certificateName,
    },
    tier,
    totalHours: Math.round(totalMinutes / 6) / 10,
    modules: track.modules.map((module, index) => {
      const state = progress?.modules[index];
      return {
        number: index + 1,
        title: module.title,
        summary: module.summary,
        url: moduleUrl(module),
        minutes: module.estimatedMinutes,
        milestones: state?.total ?? moduleRequirements(module).length,
        completedMilestones: state?.completedMilestones ?? 0,
        stateLabel: state ? STATE_LABELS[state.state] : undefined,
        state: state?.state,
      };
    }),
    progress: progress && {
      completed: progress.completed,
      total: progress.total,
      percent: progress.total ? Math.round((progress.completed / progress.total) * 100) : 0,
      nextStep:
        progress.nextStep.kind === 'done'
          ? { text: 'You have completed every milestone in this track.' }
          : progress.nextStep.kind === 'read'
            ? { text: `Read “${progress.nextStep.module!.title}”`, url: moduleUrl(progress.nextStep.module!) }
            : {
                text: `Complete “${progress.nextStep.milestoneTitle}” in “${progress.nextStep.module!.title}”`,
                url: `${moduleUrl(progress.nextStep.module!)}#milestones`,
              },
    },
  };
}

/** The day a module was read, as the module page shows it (UTC, YYYY-MM-DD). */
export function readOn(readAt: Date | null): string | null {
  return readAt ? readAt.toISOString().slice(0, 10) : null;
}

/** Plain data for a module page; the HTML was rendered and sanitised when the curriculum loaded. */
export function modulePageModel(
  curriculum: Curriculum,
  module: CurriculumModule,
  state: ModuleViewerState | undefined,
  viewerRole?: Role,
) {
  const runsWorkshops = viewerRole === 'coach' || viewerRole === 'admin';
  const track = curriculum.trackById.get(module.trackId)!;
  const neighbour = (offset: number) => {
    const other = track.modules[module.index + offset];
    return other ? { title: other.title, url: moduleUrl(other) } : undefined;
  };
  return {
    track: { title: track.title, url: `/tracks/${track.id}` },
    module: {
      number: module.index + 1,
      count: track.modules.length,
      title: module.title,
      summary: module.summary,
      minutes: module.estimatedMinutes,
      html: module.html,
      toc: module.toc,
      readUrl: `${moduleUrl(module)}/read`,
    },
    prerequisites: module.prerequisites.map((id) => {
      const prerequisite = curriculum.moduleById.get(id)!;
      return { title: prerequisite.title, url: moduleUrl(prerequisite) };
    }),
    milestones: module.milestones.map((milestone) => ({
      ...milestone,
      evidenceHeading: milestone.kind === 'coach' ? 'What to submit' : 'At the workshop',
      howCompleted:
        milestone.kind === 'coach' ? 'Signed off by your coach' : 'Completed by attending a workshop',
      done: state?.completedMilestoneIds.has(milestone.id) ?? false,
      // An alternative satisfies the same requirement as the milestone it names.
      alternativeTo: milestone.alternativeTo
        ? module.milestones.find((m) => m.id === milestone.alternativeTo)?.title
        : undefined,
      // Coaches and admins run workshops: they get the facilitator kit and the scheduling form.
      kitUrl: runsWorkshops && milestone.kit ? kitUrl(module.trackId, milestone.id) : undefined,
      scheduleUrl: runsWorkshops && milestone.kind === 'workshop' ? '/workshops/new' : undefined,
    })),
    viewer: state && { readOn: readOn(state.readAt) },
    previous: neighbour(-1),
    next: neighbour(1),
  };
}
