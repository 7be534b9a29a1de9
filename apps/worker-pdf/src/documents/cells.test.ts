import type { ReportData } from '@nightshift/contracts';
import { describe, expect, it } from 'vitest';
import { ColumnTotals, cellFormatter, describeGeneratedAt, isoDateIn, parseIsoDate, resolveColumns } from './cells.js';

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

const report = (columns: ReportData['columns'], rows: ReportData['rows']): ReportData => ({ title: 't', columns, rows });
const resolveAll = (data: ReportData) => resolveColumns(data.columns, data.rows);

describe('resolveColumns', () => {
  it('infers a format for columns that declare none, and right-aligns numbers', () => {
    const resolved = resolveAll(
      report(
        [
          { key: 'n', label: 'N' },
          { key: 'x', label: 'X' },
          { key: 'b', label: 'B' },
          { key: 'd', label: 'D' },
          { key: 't', label: 'T' },
          { key: 'mixed', label: 'Mixed' },
          { key: 'empty', label: 'Empty' },
        ],
        [
          { n: 1, x: 1.5, b: true, d: '2025-01-02', t: '2025-01-02T03:04:05Z', mixed: 1, empty: null },
          { n: 2, x: 2, b: false, d: null, t: '2025-01-03', mixed: 'one' },
        ],
      ),
    );
    expect(resolved.map(({ format, align }) => `${format}/${align}`)).toEqual([
      'integer/right',
      'decimal/right',
      'boolean/left',
      'date/left',
      'datetime/left',
      'text/left',
      'text/left',
    ]);
    // An inferred decimal shows the digits each value has, not a fixed number of them.
    expect(resolved[1]?.decimals).toBeUndefined();
  });

  it('keeps a declared format and its settings', () => {
    const [column] = resolveAll(report([{ key: 'p', label: 'P', format: 'percent', decimals: 2 }], [{ p: 'x' }]));
    expect(column).toMatchObject({ format: 'percent', decimals: 2, align: 'right', total: false });
  });
});

describe('cellFormatter', () => {
  const format = (column: ReportData['columns'][number], value: ReportData['rows'][number][string], locale = 'en-US') => {
    const [resolved] = resolveAll(report([column], [{ [column.key]: value ?? null }]));
    return cellFormatter(resolved as NonNullable<typeof resolved>, { locale, timeZone: 'Europe/Paris' })(value ?? null);
  };

  it('formats numbers for the locale', () => {
    expect(format({ key: 'a', label: 'A', format: 'integer' }, 1234567)).toBe('1,234,567');
    expect(format({ key: 'a', label: 'A', format: 'integer' }, 1234567, 'de-DE')).toBe('1.234.567');
    expect(format({ key: 'a', label: 'A', format: 'decimal' }, 1234.5)).toBe('1,234.50');
    expect(format({ key: 'a', label: 'A', format: 'decimal', decimals: 0 }, 1234.5)).toBe('1,235');
    expect(format({ key: 'a', label: 'A', format: 'currency', currency: 'EUR' }, 1234.5)).toBe('€1,234.50');
    expect(format({ key: 'a', label: 'A', format: 'currency', currency: 'EUR' }, 1234.5, 'fr-FR')).toBe('1\u00A0234,50\u00A0€');
    expect(format({ key: 'a', label: 'A', format: 'currency', currency: 'JPY' }, 1234, 'ja-JP')).toBe('￥1,234');
    expect(format({ key: 'a', label: 'A', format: 'percent' }, 0.125)).toBe('12.5%');
    expect(format({ key: 'a', label: 'A' }, 10.25)).toBe('10.25');
  });

  it('shows booleans as Yes and No, and dates as dates in the report time zone', () => {
    expect(format({ key: 'a', label: 'A', format: 'boolean' }, true)).toBe('Yes');
    expect(format({ key: 'a', label: 'A', format: 'boolean' }, false)).toBe('No');
    expect(format({ key: 'a', label: 'A', format: 'date' }, '2026-12-02')).toBe('Dec 2, 2026');
    // A calendar date is the same day in every zone; an instant is shown where the report says.
    expect(format({ key: 'a', label: 'A', format: 'datetime' }, '2026-12-02T23:30:00Z')).toBe('Dec 3, 2026, 12:30 AM');
    expect(format({ key: 'a', label: 'A', format: 'datetime' }, '2026-12-02')).toBe('Dec 2, 2026');
    expect(format({ key: 'a', label: 'A', format: 'date' }, '2026-12-02', 'de-DE')).toBe('02.12.2026');
  });

  it('shows text as written, numbers in text columns without grouping, and null as nothing', () => {
    expect(format({ key: 'a', label: 'A', format: 'text' }, '2026-12-02')).toBe('2026-12-02');
    expect(format({ key: 'a', label: 'A', format: 'text' }, 10001)).toBe('10001');
    expect(format({ key: 'a', label: 'A', format: 'integer' }, null)).toBe('');
  });
});

describe('ColumnTotals', () => {
  it('sums the columns that ask for it, skipping nulls', () => {
    const data = report(
      [
        { key: 'q', label: 'Q', format: 'integer', total: true },
        { key: 'p', label: 'P', format: 'decimal' },
      ],
      [{ q: 2, p: 1 }, { q: null, p: 2 }, { q: 5 }],
    );
    const totals = new ColumnTotals(resolveAll(data));
    for (const row of data.rows) totals.add(row);
    expect([totals.of('q'), totals.of('p')]).toEqual([7, undefined]);
  });
});

describe('the generation time', () => {
  it('is shown in words, in the zone the report names, and that zone is named', () => {
    const at = new Date('2026-12-02T23:30:00Z');
    expect(describeGeneratedAt(at, { locale: 'en-GB', timeZone: 'Europe/Paris' })).toBe(
      'Generated 3 December 2026 at 00:30 (Europe/Paris)',
    );
    expect(isoDateIn(at, 'Europe/Paris')).toBe('2026-12-03');
    expect(isoDateIn(at, 'UTC')).toBe('2026-12-02');
  });
});
