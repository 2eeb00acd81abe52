import type { Workshop } from './workshop.entities';

function icsDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * RFC 5545 §3.3.11 TEXT: backslash, semicolon and comma escaped; every line break (CR LF, LF, or a
 * bare CR, which some readers also take as one) becomes the two characters `\n`; other control
 * characters, which TEXT may not contain, are dropped. No user text can start a new property.
 */
export function escapeText(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000A-\u001F\u007F]/g, '')
  );
}

/** Folds a content line to 75 octets, continuation lines starting with a space. */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  for (const char of line) {
    if (Buffer.byteLength(current + char) > (parts.length ? 74 : 75)) {
      parts.push(current);
      current = '';
    }
    current += char;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** One calendar event, whatever feature it comes from (workshops, gatherings). */
export interface CalendarEvent {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  location: string;
  onlineUrl: string | null;
  cancelledAt: Date | null;
  /** The event's page, absolute. */
  url: string;
}

/** An iCalendar document with one VEVENT per event; times are in UTC. */
export function eventsToIcs(events: CalendarEvent[], calendarName: string, product = 'Workshops'): string {
  const now = icsDate(new Date());
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:-//Organizer Academy//${product}//EN`,
    'CALSCALE:GREGORIAN',
    `X-WR-CALNAME:${escapeText(calendarName)}`,
  ];
  for (const event of events) {
    const where = [event.location, event.onlineUrl].filter(Boolean).join(' · ');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.id}@organizer-academy`,
      `DTSTAMP:${now}`,
      `DTSTART:${icsDate(event.startsAt)}`,
      `DTEND:${icsDate(event.endsAt)}`,
      `SUMMARY:${escapeText(event.title)}`,
      ...(where ? [`LOCATION:${escapeText(where)}`] : []),
      `URL:${event.url}`,
      `DESCRIPTION:${escapeText(`${event.description}\n\n${event.url}`.trim())}`,
      `STATUS:${event.cancelledAt ? 'CANCELLED' : 'CONFIRMED'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** An iCalendar document with one event per workshop; times are in UTC. */
export function workshopsToIcs(workshops: Workshop[], baseUrl: string, calendarName: string): string {
  return eventsToIcs(
    workshops.map((w) => ({ ...w, url: `${baseUrl}/workshops/${w.id}` })),
    calendarName,
  );
}
