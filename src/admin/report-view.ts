import { barList, columnChart } from './charts';
import { FUNNEL_STEPS, rate, type Funnel, type FunnelRow, type ReportsService } from './reports.service';
import { formatCount } from '../web/format';

export const FUNNEL_LABELS: Record<(typeof FUNNEL_STEPS)[number], string> = {
  invited: 'Invited',
  active: 'Active (signed in within 30 days)',
  firstMilestone: 'First milestone',
  halfTrack: 'Half the track',
  certified: 'Certified',
};

export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

export function hours(value: number | null): string {
  if (value === null) return '—';
  return value < 48 ? `${value.toFixed(1)} h` : `${(value / 24).toFixed(1)} days`;
}

/** Each step with its count and the conversion from the step before. */
export function funnelSteps(funnel: Funnel) {
  return FUNNEL_STEPS.map((step, i) => ({
    label: FUNNEL_LABELS[step],
    count: funnel[step],
    conversion: i === 0 ? null : percent(rate(funnel[step], funnel[FUNNEL_STEPS[i - 1]])),
  }));
}

/** Groups a funnel table shows at most: an academy of 1,000 chapters and 6,000 cohorts is read by chapter. */
export const FUNNEL_GROUPS_SHOWN = 25;

/**
 * A funnel table by chapter or cohort: every group when there are at most `limit`, else the `limit`
 * with the most people invited; in name order either way, with how many groups there are in all.
 */
export function funnelTable(rows: FunnelRow[], limit = FUNNEL_GROUPS_SHOWN) {
  const shown =
    rows.length <= limit
      ? rows
      : [...rows]
          .sort((a, b) => b.funnel.invited - a.funnel.invited || a.name.localeCompare(b.name))
          .slice(0, limit)
          .sort((a, b) => a.name.localeCompare(b.name));
  return {
    total: rows.length,
    rows: shown.map((row) => ({ name: row.name, steps: funnelSteps(row.funnel) })),
  };
}

type Awaited2<T> = T extends Promise<infer U> ? U : T;
type Data = {
  funnel: Awaited2<ReturnType<ReportsService['funnel']>>;
  perWeek: Awaited2<ReturnType<ReportsService['milestonesPerWeek']>>;
  turnaround: Awaited2<ReturnType<ReportsService['reviewTurnaround']>>;
  load: Awaited2<ReturnType<ReportsService['coachLoad']>>;
  workshops: Awaited2<ReturnType<ReportsService['workshops']>>;
  certificates: Awaited2<ReturnType<ReportsService['certificatesPerWeek']>>;
};

/** The charts of the dashboard, each described in words for screen readers. */
export function reportCharts(data: Data) {
  const overall = funnelSteps(data.funnel.overall);
  return {
    funnel: barList({
      id: 'chart-funnel',
      title: 'Funnel',
      description: overall.map((s) => `${s.label}: ${formatCount(s.count)}`).join('; '),
      items: overall.map((s) => ({ label: s.label, value: s.count })),
    }),
    perWeek: columnChart({
      id: 'chart-milestones',
      title: 'Milestones completed per week',
      description: `${formatCount(data.perWeek.reduce((sum, w) => sum + w.completed, 0))} milestones completed in ${data.perWeek.length} weeks.`,
      labels: data.perWeek.map((w) => w.week.slice(5)),
      series: [{ name: 'Milestones', values: data.perWeek.map((w) => w.completed) }],
    }),
    turnaround: barList({
      id: 'chart-turnaround',
      title: 'Median time from submission to review, per coach',
      description: data.turnaround.perCoach.length
        ? data.turnaround.perCoach.map((c) => `${c.coach}: ${hours(c.medianHours)}`).join('; ')
        : 'No reviews in this range.',
      items: data.turnaround.perCoach.map((c) => ({
        label: c.coach,
        value: c.medianHours,
        valueText: hours(c.medianHours),
      })),
    }),
    load: barList({
      id: 'chart-load',
      title: 'Coach load against capacity',
      description: data.load.length
        ? data.load
            .map((c) => `${c.coach}: ${formatCount(c.organizers)} of ${formatCount(c.capacity)}`)
            .join('; ')
        : 'No active coaches.',
      items: data.load.map((c) => ({
        label: c.coach,
        value: c.organizers,
        valueText: `${formatCount(c.organizers)} / ${formatCount(c.capacity)}`,
        marker: c.capacity,
      })),
    }),
    certificates: columnChart({
      id: 'chart-certificates',
      title: 'Certificates issued, revoked and verified per week',
      description: (['issued', 'revoked', 'verified'] as const)
        .map((k) => `${formatCount(data.certificates.reduce((sum, w) => sum + w[k], 0))} ${k}`)
        .join(', ')
        .concat(` in ${data.certificates.length} weeks.`),
      labels: data.certificates.map((w) => w.week.slice(5)),
      series: [
        { name: 'Issued', values: data.certificates.map((w) => w.issued) },
        { name: 'Revoked', values: data.certificates.map((w) => w.revoked) },
        { name: 'Verified', values: data.certificates.map((w) => w.verified) },
      ],
    }),
  };
}
