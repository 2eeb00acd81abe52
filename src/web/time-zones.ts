/** Every IANA time zone this Node.js knows, plus UTC. */
export const TIME_ZONES: readonly string[] = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];

export function isTimeZone(zone: string): boolean {
  return TIME_ZONES.includes(zone);
}

const FORMATS = {
  parts: [
    'en-US',
    {
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    },
  ],
  day: ['en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }],
  time: ['en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }],
} satisfies Record<string, [string, Intl.DateTimeFormatOptions]>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A formatter for `zone`, built once and reused: each one is an ICU object in native memory that
 * only goes away when V8 collects its wrapper, so building one per call grew the process's C heap.
 */
function formatter(kind: keyof typeof FORMATS, zone: string): Intl.DateTimeFormat {
  const key = `${kind}|${zone}`;
  let format = formatters.get(key);
  if (!format) {
    const [locale, options] = FORMATS[kind];
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone });
    formatters.set(key, format);
  }
  return format;
}

/** Minutes to add to UTC to get wall-clock time in `zone` at `instant`. */
function offsetMinutes(instant: number, zone: string): number {
  const parts = formatter('parts', zone).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - instant) / 60_000);
}

/**
 * The UTC instant of a wall-clock time (`YYYY-MM-DDTHH:mm`, as a datetime-local field sends it) in
 * `zone`. A time skipped by a daylight-saving jump resolves to a nearby valid instant.
 */
export function zonedTimeToUtc(local: string, zone: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let instant = wall - offsetMinutes(wall, zone) * 60_000;
  instant = wall - offsetMinutes(instant, zone) * 60_000;
  return new Date(instant);
}

/** `YYYY-MM-DDTHH:mm` wall-clock time of `date` in `zone` (for datetime-local fields). */
export function utcToZonedInput(date: Date, zone: string): string {
  const shifted = new Date(date.getTime() + offsetMinutes(date.getTime(), zone) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** A readable date and time range in `zone`, e.g. "Tue 3 Mar 2026, 18:00–20:00 (America/New_York)". */
export function formatRange(start: Date, end: Date, zone: string): string {
  const day = formatter('day', zone);
  const time = formatter('time', zone);
  const sameDay = day.format(start) === day.format(end);
  const to = sameDay ? time.format(end) : `${day.format(end)}, ${time.format(end)}`;
  return `${day.format(start)}, ${time.format(start)}–${to} (${zone})`;
}

/** The calendar date (YYYY-MM-DD) of an instant in `zone`: an evening in New York is still that day. */
export function calendarDateIn(date: Date, zone: string): string {
  return utcToZonedInput(date, zone).slice(0, 10);
}

/** A time of day in `zone`, e.g. "18:05 (America/New_York)". */
export function formatTime(date: Date, zone: string): string {
  const time = formatter('time', zone);
  return `${time.format(date)} (${zone})`;
}
