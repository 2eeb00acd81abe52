import { barList } from '../admin/charts';
import { percent } from '../admin/report-view';
import { GATHERING_KIND_LABELS, type GatheringKind } from './gathering.entities';
import type { GatheringReport } from './gathering-reports';

/** Gatherings charted (the most recent ones); the table lists them all. */
const CHARTED = 20;

/** The "Gatherings" section of /admin/reports as the view shows it: figures, one chart, one table. */
export function gatheringsReportView(report: GatheringReport) {
  const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
  const charted = report.rows.slice(0, CHARTED);
  return {
    held: report.held,
    attendees: report.attendees,
    attendances: report.attendances,
    perAttendee: report.perAttendee === null ? '—' : report.perAttendee.toFixed(1),
    returning30: report.returning30,
    returning30Rate: percent(report.returning30Rate),
    returning90: report.returning90,
    returning90Rate: percent(report.returning90Rate),
    newcomers: report.newcomers,
    retained: report.retained,
    retainedRate: percent(report.retainedRate),
    rows: report.rows.map((r) => ({
      id: r.id,
      title: r.title,
      kind: GATHERING_KIND_LABELS[r.kind as GatheringKind] ?? r.kind,
      date: day(r.startsAt),
      saidYes: r.said_yes,
      came: r.came,
      walkIns: r.walk_ins,
    })),
    chart: barList({
      id: 'chart-gatherings',
      title: 'People who came, per gathering',
      description: charted.length
        ? charted.map((r) => `${r.title} (${day(r.startsAt)}): ${r.came}`).join('; ')
        : 'No gatherings in this range.',
      items: charted.map((r) => ({ label: `${day(r.startsAt).slice(5)} ${r.title}`, value: r.came })),
    }),
  };
}
