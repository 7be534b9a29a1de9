import type { ReportHeader, ReportRow } from '@nightshift/contracts';
import { describe, expect, it } from 'vitest';
import { formattedReport, reportSource } from '../../test/fixtures.js';
import { InvalidReportError, readReport } from './read-report.js';

async function read(source: Uint8Array | string) {
  const seen: { header?: ReportHeader; rows: ReportRow[]; progress: number[] } = { rows: [], progress: [] };
  const bytes = typeof source === 'string' ? Buffer.from(source) : source;
  const { rows } = await readReport(bytes, {
    header: (header) => {
      expect(seen.rows).toEqual([]);
      seen.header = header;
    },
    row: (row) => seen.rows.push(row),
    progress: (fraction) => {
      seen.progress.push(fraction);
    },
  });
  return { ...seen, count: rows };
}

const failure = (source: string) =>
  read(source).then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe('readReport', () => {
  it('hands over the fields, then each row, as the API stored them', async () => {
    const report = formattedReport(3_000);
    const { header, rows, count, progress } = await read(reportSource(report));

    const { rows: _rows, ...fields } = report;
    expect(header).toEqual(fields);
    expect(rows).toEqual(report.rows);
    expect(count).toBe(3_000);
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(1);
  });

  it('reads a report without rows, and skips fields it does not know', async () => {
    const { header, count } = await read('{"title":"T","columns":[{"key":"a","label":"A"}],"rows":[],"futureField":{"x":1}}');
    expect(header?.title).toBe('T');
    expect(count).toBe(0);
  });

  it.each([
    ['{"title":"T","columns":[{"key":"a","label":"A"}],"rows":[{"a":1}', /^is not valid JSON: /],
    ['{"title":"T","columns":[],"rows":[]}', /^is invalid: columns: /],
    [
      '{"title":"T","columns":[{"key":"a","label":"A"}],"rows":[{"b":1}]}',
      /^is invalid: rows\[0\]\.b: is not one of the report's column keys$/,
    ],
    [
      '{"title":"T","columns":[{"key":"a","label":"A","format":"integer"}],"rows":[{"a":1},{"a":"x"}]}',
      /^is invalid: rows\[1\]\.a: must be an integer/,
    ],
    ['{"title":"T","columns":[{"key":"a","label":"A"}],"rows":[{"a":{"deep":1}}]}', /^is invalid: rows\[0\]\.a: /],
    ['{"title":"T","columns":[{"key":"a","label":"A"}],"rows":[5]}', /^is invalid: rows\[0\]: /],
    ['{"title":"T","columns":[{"key":"a","label":"A"}],"rows":{"x":{}}}', /^is invalid: rows: must be an array$/],
    [
      '{"title":"T","columns":[{"key":"a","label":"A"}],"rows":[{"a":1}],"locale":"fr-FR"}',
      /^is invalid: locale: must come before rows$/,
    ],
  ])('refuses %s, saying why', async (source, message) => {
    const error = await failure(source);
    expect(error).toBeInstanceOf(InvalidReportError);
    expect(error?.message).toMatch(message);
  });
});
