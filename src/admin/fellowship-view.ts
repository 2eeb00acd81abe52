import type { FellowshipFigures } from '../circles/fellowship-report';
import { columnChart } from './charts';
import { hours, percent } from './report-view';
import { formatCount } from '../web/format';

/** The fellowship section of the reports page: figures, a weekly chart of posts, the same numbers in a table. */
export function fellowshipView(f: FellowshipFigures) {
  const total = f.postsByKind.story + f.postsByKind.ask + f.postsByKind.feedback;
  return {
    activeMembers: f.activeMembers,
    asks: f.asks,
    answeredWithin48h: f.answeredWithin48h,
    answeredRate: percent(f.answeredWithin48hRate),
    unreplied: f.unreplied,
    medianFirstReply: hours(f.medianFirstReplyHours),
    postsByKind: [
      { label: 'Stories', count: f.postsByKind.story },
      { label: 'Asks for help', count: f.postsByKind.ask },
      { label: 'Feedback requests', count: f.postsByKind.feedback },
    ],
    perWeek: f.perWeek,
    chart: columnChart({
      id: 'chart-circle-posts',
      title: 'Circle posts per week',
      description: `${formatCount(f.postsByKind.story)} stories, ${formatCount(f.postsByKind.ask)} asks and ${formatCount(f.postsByKind.feedback)} feedback requests (${formatCount(total)} posts) in ${f.perWeek.length} weeks.`,
      labels: f.perWeek.map((w) => w.week.slice(5)),
      series: [
        { name: 'Stories', values: f.perWeek.map((w) => w.story) },
        { name: 'Asks', values: f.perWeek.map((w) => w.ask) },
        { name: 'Feedback requests', values: f.perWeek.map((w) => w.feedback) },
      ],
    }),
  };
}
