/**
 * How numbers read on a page, in one place. Views get these as locals (`formatCount`, `countOf`,
 * see src/app.ts); view models and email texts import them. Machine-readable outputs (CSV, JSON,
 * Atom, credentials) keep raw numbers and never use these.
 */

/** One formatter, built once: each Intl object holds native memory until V8 collects it. */
const COUNT = new Intl.NumberFormat('en-US');

/** A count as a person reads it: 1240 → "1,240", 3 → "3"; anything not a finite number is printed as given. */
export function formatCount(value: number | string | null | undefined): string {
  if (typeof value === 'number' && Number.isFinite(value)) return COUNT.format(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return COUNT.format(Number(value));
  return value === null || value === undefined ? '' : String(value);
}

/** A count with its noun: countOf(1, 'person', 'people') → "1 person", countOf(1240, …) → "1,240 people". */
export function countOf(value: number, one: string, many: string): string {
  return `${formatCount(value)} ${value === 1 ? one : many}`;
}

/** The helpers every view can call (registered as app.locals). */
export const FORMAT_LOCALS = Object.freeze({ formatCount, countOf });
