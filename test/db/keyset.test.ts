import {
  decodeKeyset,
  decodeStartPosition,
  encodeKeyset,
  keysetPage,
  startPositionOf,
} from '../../src/db/keyset';
import { keysetToken, laterPager } from '../../src/web/pager';

const ID = '0b8e3f7a-5c1d-4e2f-9a6b-7c8d9e0f1a2b';
const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset positions', () => {
  it('carries a start time and id through a URL-safe token and back', () => {
    const startsAt = new Date('2026-03-01T18:30:00.000Z');
    const encoded = encodeKeyset(...startPositionOf({ startsAt, id: ID }));

    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(keysetToken().parse(encoded)).toBe(encoded);
    expect(decodeStartPosition(encoded)).toEqual({ startsAt, id: ID });
    expect(decodeKeyset(encodeKeyset('Zoë Ødegård', ID))).toEqual({ value: 'Zoë Ødegård', id: ID });
  });

  it('reads anything unreadable as "start from the first row"', () => {
    expect(decodeStartPosition(undefined)).toBeNull();
    expect(decodeStartPosition('%%%')).toBeNull();
    expect(decodeStartPosition(token({ startsAt: '2026-03-01', id: ID }))).toBeNull();
    expect(decodeStartPosition(token(['not a date', ID]))).toBeNull();
    expect(decodeStartPosition(token(['2026-03-01T18:30:00Z', 'not-an-id']))).toBeNull();
    expect(decodeKeyset(token(['Ann', 7]))).toBeNull();
    expect(keysetToken().parse('a'.repeat(201))).toBeUndefined();
    expect(keysetToken(400).parse('a'.repeat(400))).toBe('a'.repeat(400));
  });

  it('cuts a page and one into the page and the token after its last row', () => {
    const rows = [1, 2, 3].map((n) => ({
      startsAt: new Date(Date.UTC(2026, 0, n)),
      id: ID.replace('0', `${n}`),
    }));

    const full = keysetPage(rows, 2, startPositionOf);
    expect(full.page).toEqual(rows.slice(0, 2));
    expect(decodeStartPosition(full.next ?? undefined)).toEqual(rows[1]);
    expect(keysetPage(rows, 3, startPositionOf)).toEqual({ page: rows, next: null });
  });
});

describe('laterPager', () => {
  it('continues with the filters that are set, then the position', () => {
    expect(laterPager('/workshops', { chapterId: 'c1', milestoneId: null }, 'tok', undefined)).toEqual({
      laterLink: '/workshops?chapterId=c1&after=tok',
      continued: false,
    });
    expect(laterPager('/gatherings', { circleId: '' }, null, 'tok')).toEqual({
      laterLink: null,
      continued: true,
    });
  });
});
