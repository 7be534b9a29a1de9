import { describe, expect, it } from 'vitest';
import { invalidPayloads } from '../test/payloads.js';
import {
  InvalidJobDataError,
  jobContracts,
  parseJobData,
  queueNames,
  reportDataSchema,
  reportExamples,
  toJobDataIssues,
} from './index.js';

describe('valid payloads', () => {
  for (const queue of queueNames) {
    it.each(jobContracts[queue].examples.map((data) => [JSON.stringify(data).slice(0, 80), data]))(
      `${queue} accepts %s`,
      (_label, data) => {
        // Matched, not equal: the parse adds the defaults an example may leave out (a resize's fit).
        expect(parseJobData(queue, data)).toMatchObject(data as object);
      },
    );
  }
});

describe('invalid payloads', () => {
  it.each(invalidPayloads)('%s rejects %j naming %s', (queue, data, path) => {
    let error: unknown;
    try {
      parseJobData(queue, data);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidJobDataError);
    const { issues, message } = error as InvalidJobDataError;
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(message).toContain(`invalid ${queue} job data`);
  });
});

describe('report data', () => {
  const report = {
    title: 'Q3',
    columns: [
      { key: 'city', label: 'City' },
      { key: 'sales', label: 'Sales' },
    ],
    rows: [{ city: 'Lyon', sales: 3 }],
  };

  it('accepts rows keyed by column', () => {
    expect(reportDataSchema.parse(report)).toEqual(report);
  });

  it('accepts each of its examples, which the API documents', () => {
    for (const example of reportExamples) expect(reportDataSchema.parse(example)).toEqual(example);
  });

  it('names an unknown row key and a duplicate column', () => {
    const bad = reportDataSchema.safeParse({
      ...report,
      columns: [...report.columns, { key: 'city', label: 'Again' }],
      rows: [{ town: 'x' }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['columns.2.key', 'rows.0.town']));
  });

  it('accepts formats, totals, widths, a locale, a time zone and an author, and still accepts reports stored without them', () => {
    const formatted = {
      ...report,
      locale: 'fr-FR',
      timeZone: 'Europe/Paris',
      author: 'Finance team',
      columns: [
        { key: 'city', label: 'City', format: 'text', width: 20 },
        { key: 'sales', label: 'Sales', format: 'currency', currency: 'EUR', decimals: 0, total: true },
        { key: 'share', label: 'Share', format: 'percent' },
        { key: 'day', label: 'Day', format: 'date' },
        { key: 'at', label: 'At', format: 'datetime' },
        { key: 'ok', label: 'OK', format: 'boolean' },
      ],
      rows: [
        { city: 'Lyon', sales: 3, share: 0.5, day: '2026-12-02', at: '2026-12-02T14:05:00+01:00', ok: true },
        { sales: null },
      ],
    };
    expect(reportDataSchema.parse(formatted)).toEqual(formatted);
    expect(reportDataSchema.parse(report)).toEqual(report);
  });

  it.each([
    [{ columns: [{ key: 'a', label: 'A', format: 'currency' }] }, 'columns[0].currency', 'is required when format is "currency"'],
    [
      { columns: [{ key: 'a', label: 'A', format: 'text', total: true }] },
      'columns[0].total',
      'needs format integer, decimal, currency',
    ],
    [{ columns: [{ key: 'a', label: 'A', format: 'integer', decimals: 2 }] }, 'columns[0].decimals', 'applies only to formats'],
    [{ columns: [{ key: 'a', label: 'A', format: 'money' }] }, 'columns[0].format', ''],
    [{ locale: 'not a locale!' }, 'locale', 'must be a BCP 47 locale'],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone', 'must be an IANA time zone'],
    [
      { columns: [{ key: 'a', label: 'A', format: 'integer' }], rows: [{ a: 1 }, { a: 1.5 }] },
      'rows[1].a',
      'must be an integer (column format "integer")',
    ],
    [
      { columns: [{ key: 'a', label: 'A', format: 'date' }], rows: [{ a: '02/12/2026' }] },
      'rows[0].a',
      'must be an ISO 8601 date such as "2026-12-02"',
    ],
    [{ columns: [{ key: 'a', label: 'A', format: 'boolean' }], rows: [{ a: 'yes' }] }, 'rows[0].a', 'must be true or false'],
  ])('rejects %j naming %s', (change, path, message) => {
    const bad = reportDataSchema.safeParse({ ...report, rows: [], ...change });
    expect(bad.success).toBe(false);
    const issues = toJobDataIssues(bad.error as NonNullable<typeof bad.error>);
    expect(issues.find((issue) => issue.path === path)?.message).toContain(message);
  });

  it('every queue has a data and a result schema', () => {
    for (const contract of Object.values(jobContracts)) {
      expect(contract.data.safeParse).toBeTypeOf('function');
      expect(contract.result.safeParse).toBeTypeOf('function');
    }
  });
});
