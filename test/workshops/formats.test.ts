import { parse } from 'csv-parse/sync';
import { escapeText, fold, workshopsToIcs } from '../../src/workshops/ics';
import type { Workshop } from '../../src/workshops/workshop.entities';
import { csvCell, csvLine } from '../../src/web/csv';

/** RFC 5545 §3.1: content lines are unfolded by removing CRLF followed by one space. */
function unfoldedLines(ics: string): string[] {
  return ics.replace(/\r\n /g, '').split('\r\n').filter(Boolean);
}

const workshop = (overrides: Partial<Workshop>): Workshop =>
  ({
    id: '6f1c7d7e-8a44-4c4e-9d39-1f9a6b5a1b2c',
    title: 'Practice',
    description: '',
    location: null,
    onlineUrl: null,
    startsAt: new Date('2030-01-01T10:00:00Z'),
    endsAt: new Date('2030-01-01T12:00:00Z'),
    cancelledAt: null,
    ...overrides,
  }) as Workshop;

describe('iCalendar text (RFC 5545)', () => {
  it('escapes backslash, semicolon, comma and every kind of line break, and drops control characters', () => {
    expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d');
    expect(escapeText('one\r\ntwo\nthree\rfour')).toBe('one\\ntwo\\nthree\\nfour');
    expect(escapeText('bell\u0007\u0000end')).toBe('bellend');
  });

  it('a bare CR in a title or location cannot add a property or an event', () => {
    const ics = workshopsToIcs(
      [
        workshop({
          title: 'Evil\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:Injected',
          location: 'Room 1\r\nATTENDEE:mailto:x@example.org',
        }),
      ],
      'https://academy.test',
      'Feed',
    );
    const lines = unfoldedLines(ics);
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('ATTENDEE'))).toBe(false);
    expect(lines).toContain('SUMMARY:Evil\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Injected');
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('folds lines to at most 75 octets without splitting a character', () => {
    const folded = fold(`SUMMARY:${'Zoë 🌈 '.repeat(40)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'Zoë 🌈 '.repeat(40)}`);
  });
});

describe('CSV cells (OWASP CSV injection)', () => {
  it('neutralises formulas at the start and after a separator of any locale', () => {
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe(`"'\t'=1"`);
    expect(csvCell('Bob;=1+2')).toBe(`"Bob;'=1+2"`);
    expect(csvCell('Bob; -1+2')).toBe(`"Bob; '-1+2"`);
    expect(csvCell('a|=cmd')).toBe(`"a|'=cmd"`);
    expect(csvCell('Bob, =1')).toBe(`"Bob, '=1"`);
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell(-5)).toBe('-5');
  });

  it('reads back as the same cells, semicolon-split cells included, none starting with a formula', () => {
    const cells = ['Bob;=1+2', 'x"y', 'line\nbreak', '+1', 'Zoë'];
    const rows: string[][] = parse(csvLine(cells));
    const [row] = rows;
    expect(row).toEqual(["Bob;'=1+2", 'x"y', 'line\nbreak', "'+1", 'Zoë']);
    // A spreadsheet set to a semicolon locale that ignored the quotes would still see no formula.
    for (const part of csvLine(cells).split(/[;,\t|]/)) expect(part.replace(/^"/, '')).not.toMatch(/^[=+@]/);
  });
});
