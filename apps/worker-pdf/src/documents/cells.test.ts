import { describe, expect, it } from 'vitest';
import { formatCell, parseIsoDate, splitLongWord } from './cells.js';

describe('parseIsoDate', () => {
  it('reads a calendar date as UTC midnight', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ date: new Date(Date.UTC(2024, 1, 29)), dateOnly: true });
  });

  it('reads a date-time without an offset as UTC and honours an explicit offset', () => {
    expect(parseIsoDate('2024-03-01T10:15:30')?.date.toISOString()).toBe('2024-03-01T10:15:30.000Z');
    expect(parseIsoDate('2024-03-01 10:15')?.date.toISOString()).toBe('2024-03-01T10:15:00.000Z');
    expect(parseIsoDate('2024-03-01T10:15:30.250+02:00')).toEqual({
      date: new Date('2024-03-01T08:15:30.250Z'),
      dateOnly: false,
    });
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-01-01T25:00', '20240101', '2024-1-1', 'March 3', '2024-01-01x', ''])(
    'leaves %j a string',
    (value) => {
      expect(parseIsoDate(value)).toBeUndefined();
    },
  );
});

describe('splitLongWord', () => {
  it('keeps ordinary words whole', () => {
    expect(splitLongWord('Reconciliation')).toEqual(['Reconciliation']);
  });

  it('cuts a long word into chunks that join back to it, never inside an emoji', () => {
    const word = `${'a'.repeat(31)}😀😀😀${'b'.repeat(10)}`;
    const parts = splitLongWord(word);
    expect(parts.join('')).toBe(word);
    expect(parts.length).toBeGreaterThan(1);
    // A lone surrogate would mean a code point was cut in two.
    for (const part of parts) expect(part).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});

describe('formatCell', () => {
  it('shows null as an empty cell and everything else as written', () => {
    expect([null, 0, 1.5, false, 'x'].map(formatCell)).toEqual(['', '0', '1.5', 'false', 'x']);
  });
});
