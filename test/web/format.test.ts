import { countOf, formatCount } from '../../src/web/format';

describe('how counts read on a page', () => {
  it('groups thousands the en-US way and leaves small numbers alone', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1240)).toBe('1,240');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-1500)).toBe('-1,500');
  });

  it('formats a count PostgreSQL sent as text (bigint) and prints anything else as given', () => {
    expect(formatCount('4321')).toBe('4,321');
    expect(formatCount('—')).toBe('—');
    expect(formatCount('12%')).toBe('12%');
    expect(formatCount(null)).toBe('');
    expect(formatCount(undefined)).toBe('');
    expect(formatCount(Number.NaN)).toBe('NaN');
  });

  it('puts the right noun after a count', () => {
    expect(countOf(1, 'person', 'people')).toBe('1 person');
    expect(countOf(0, 'person', 'people')).toBe('0 people');
    expect(countOf(1240, 'household', 'households')).toBe('1,240 households');
  });
});
