/** Geometry for server-rendered SVG charts; views draw it, and show the same numbers in a table. */

import { formatCount } from '../web/format';

export interface ChartSeries {
  name: string;
  values: number[];
}

export interface ColumnChart {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  empty: boolean;
  bars: { x: number; y: number; width: number; height: number; series: number; text: string }[];
  xLabels: { x: number; text: string }[];
  yTicks: { y: number; text: string }[];
  legend: { name: string; series: number }[];
}

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 44;
const BOTTOM = 36;
const TOP = 12;

/** A nice round maximum for the axis, so ticks land on readable numbers. */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m * 4 >= value)!;
  return step * 4;
}

/** Grouped vertical bars: one group per label, one bar per series. */
export function columnChart(input: {
  id: string;
  title: string;
  description: string;
  labels: string[];
  series: ChartSeries[];
}): ColumnChart {
  const max = Math.max(0, ...input.series.flatMap((s) => s.values));
  const axisMax = niceMax(max);
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const groupWidth = input.labels.length ? plotWidth / input.labels.length : plotWidth;
  const barWidth = Math.max(2, (groupWidth * 0.8) / Math.max(1, input.series.length));
  const bars = input.labels.flatMap((label, i) =>
    input.series.map((s, j) => {
      const value = s.values[i] ?? 0;
      const height = (value / axisMax) * plotHeight;
      return {
        x: round(LEFT + i * groupWidth + groupWidth * 0.1 + j * barWidth),
        y: round(TOP + plotHeight - height),
        width: round(barWidth - 1),
        height: round(height),
        series: j,
        text: `${label}: ${formatCount(value)} ${s.name.toLowerCase()}`,
      };
    }),
  );
  // Label at most ~8 groups so the text never overlaps.
  const every = Math.max(1, Math.ceil(input.labels.length / 8));
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    width: WIDTH,
    height: HEIGHT,
    empty: max === 0,
    bars,
    xLabels: input.labels
      .map((text, i) => ({ x: round(LEFT + i * groupWidth + groupWidth / 2), text, i }))
      .filter(({ i }) => i % every === 0)
      .map(({ x, text }) => ({ x, text })),
    yTicks: [0, 1, 2, 3, 4].map((k) => ({
      y: round(TOP + plotHeight - (k / 4) * plotHeight),
      text: formatCount((axisMax / 4) * k),
    })),
    legend: input.series.length > 1 ? input.series.map((s, series) => ({ name: s.name, series })) : [],
  };
}

export interface BarList {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  empty: boolean;
  rows: { y: number; label: string; width: number; valueText: string; markerX: number | null }[];
}

/** Horizontal bars with their labels, optionally with a marker (e.g. a coach's capacity). */
export function barList(input: {
  id: string;
  title: string;
  description: string;
  items: { label: string; value: number; valueText?: string; marker?: number }[];
}): BarList {
  const labelWidth = 200;
  const plotWidth = WIDTH - labelWidth - 80;
  const max = Math.max(0, ...input.items.flatMap((i) => [i.value, i.marker ?? 0]));
  const scale = max > 0 ? plotWidth / max : 0;
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    width: WIDTH,
    height: Math.max(40, input.items.length * 28 + 8),
    empty: input.items.length === 0 || max === 0,
    rows: input.items.map((item, i) => ({
      y: 8 + i * 28,
      label: item.label.length > 28 ? `${item.label.slice(0, 27)}…` : item.label,
      width: round(item.value * scale),
      valueText: item.valueText ?? formatCount(item.value),
      markerX: item.marker === undefined ? null : round(labelWidth + item.marker * scale),
    })),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
