import { z } from 'zod';
import { boundedText, headerText } from './fields.js';

/**
 * A report's data, stored by the API (`PUT /v1/reports/:reportId`) and rendered by the PDF
 * worker. Not a queue payload: the pdf job carries only the `reportId`, so large tables
 * never sit in Redis. Every field added after the first version is optional, so reports
 * stored as `{ title, columns: [{ key, label }], rows }` keep rendering.
 */
export const MAX_REPORT_ROWS = 100_000;
export const MAX_REPORT_COLUMNS = 50;

/**
 * How a column's values read. Numbers are formatted for the report's locale; `percent` takes
 * fractions (0.125 reads 12.5%); `date` and `datetime` take ISO 8601 strings, a date-time
 * without an offset being UTC; `text` shows strings as written.
 */
export const columnFormats = ['text', 'integer', 'decimal', 'currency', 'percent', 'date', 'datetime', 'boolean'] as const;
export type ColumnFormat = (typeof columnFormats)[number];
/** Formats whose values a totals row can sum. */
export const summableFormats = ['integer', 'decimal', 'currency'] as const satisfies readonly ColumnFormat[];

/** Formats with digits after the point. */
const fractionalFormats: readonly ColumnFormat[] = ['decimal', 'currency', 'percent'];

export const reportColumnSchema = z
  .strictObject({
    key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 characters of letters, digits, "_", "." or "-"'),
    label: boundedText(200),
    /** Without it, the worker infers the format from the column's values. */
    format: z.enum(columnFormats).optional(),
    /** ISO 4217 code; required by `currency`. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"')
      .optional(),
    /** Digits after the decimal point for `decimal`, `currency` and `percent`; the format's usual number otherwise. */
    decimals: z.int().min(0).max(10).optional(),
    /** Width in characters; without it the column is as wide as its content allows. */
    width: z.int().min(2).max(200).optional(),
    /** Sums the column in a totals row under the table. */
    total: z.boolean().optional(),
  })
  .superRefine((column, ctx) => {
    if (column.format === 'currency' && column.currency === undefined)
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'is required when format is "currency"' });
    if (column.currency !== undefined && column.format !== 'currency')
      ctx.addIssue({ code: 'custom', path: ['currency'], message: 'applies only to format "currency"' });
    if (column.decimals !== undefined && (column.format === undefined || !fractionalFormats.includes(column.format)))
      ctx.addIssue({ code: 'custom', path: ['decimals'], message: 'applies only to formats decimal, currency and percent' });
    if (column.total && !(summableFormats as readonly ColumnFormat[]).includes(column.format ?? 'text'))
      ctx.addIssue({ code: 'custom', path: ['total'], message: `needs format ${summableFormats.join(', ')}` });
  });
export type ReportColumn = z.infer<typeof reportColumnSchema>;

/** Numbers stay numbers and ISO dates stay strings here; the renderers format them by the column's format. */
export const reportCellSchema = z.union([z.string().max(10_000), z.number().finite(), z.boolean(), z.null()]);

/** A BCP 47 tag that this runtime can format numbers and dates for. */
const locale = z.string().refine(isSupportedLocale, 'must be a BCP 47 locale such as "en-US" or "fr-FR"');
/** An IANA time zone name. */
const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"');

/** Everything but the rows. Readers that take a report's rows one at a time check it first. */
const reportHeaderShape = {
  // Becomes the subject of the report-ready email.
  title: headerText(300),
  columns: z.array(reportColumnSchema).min(1).max(MAX_REPORT_COLUMNS),
  /** Formats numbers and dates; `en-US` without it. */
  locale: locale.optional(),
  /** The zone in which date-times and the generation time are shown; `UTC` without it. */
  timeZone: timeZone.optional(),
  /** The person or team the report is from, shown in its header. */
  author: boundedText(200).optional(),
};

export const reportRowSchema = z.record(z.string(), reportCellSchema);
export type ReportRow = z.infer<typeof reportRowSchema>;

/**
 * A row's value for a column, read as an own property only: a column keyed `toString` or
 * `constructor` must find the row's value or nothing, never what every object inherits.
 */
export function cellValue(row: ReportRow, key: string): ReportRow[string] | undefined {
  return Object.hasOwn(row, key) ? row[key] : undefined;
}

function checkColumnKeys(columns: readonly ReportColumn[], ctx: z.RefinementCtx): void {
  const keys = new Set<string>();
  columns.forEach((column, index) => {
    if (keys.has(column.key))
      ctx.addIssue({ code: 'custom', path: ['columns', index, 'key'], message: `duplicate column key "${column.key}"` });
    keys.add(column.key);
  });
}

export const reportHeaderSchema = z
  .strictObject(reportHeaderShape)
  .superRefine((header, ctx) => checkColumnKeys(header.columns, ctx));
export type ReportHeader = z.infer<typeof reportHeaderSchema>;

/**
 * The first problem with a row of a report with these columns: a key that is not a column, or a
 * value that does not fit its column's declared format. Shared by `reportDataSchema` and readers
 * that check a report's rows one at a time.
 */
export function reportRowIssue(columns: readonly ReportColumn[], row: ReportRow): { key: string; message: string } | undefined {
  for (const key of Object.keys(row)) {
    if (!columns.some((column) => column.key === key)) return { key, message: `is not one of the report's column keys` };
  }
  for (const column of columns) {
    if (column.format === undefined || column.format === 'text') continue;
    const message = cellProblem(column.format, cellValue(row, column.key) ?? null);
    if (message !== undefined) return { key: column.key, message };
  }
  return undefined;
}

/** Rows come last, so a reader that streams them has read every other field first (the API stores reports in this order). */
export const reportDataSchema = z
  .strictObject({ ...reportHeaderShape, rows: z.array(reportRowSchema).max(MAX_REPORT_ROWS) })
  .superRefine((report, ctx) => {
    checkColumnKeys(report.columns, ctx);
    for (const [index, row] of report.rows.entries()) {
      const issue = reportRowIssue(report.columns, row);
      if (issue !== undefined) {
        // One issue is enough to fix the producer; a 100,000-row report must not answer with 100,000.
        ctx.addIssue({ code: 'custom', path: ['rows', index, issue.key], message: issue.message });
        return;
      }
    }
  });
export type ReportData = z.infer<typeof reportDataSchema>;

/**
 * Reports written as a producer would, for the API's documented examples and the tests: every
 * column format, a totals row, a locale and a time zone. The contracts' tests parse each.
 */
export const reportExamples: readonly [ReportData, ...ReportData[]] = [
  {
    title: 'Quarterly sales',
    locale: 'en-US',
    timeZone: 'Europe/Paris',
    author: 'Finance team',
    columns: [
      { key: 'order', label: 'Order', format: 'text' },
      { key: 'customer', label: 'Customer', format: 'text', width: 30 },
      { key: 'placedOn', label: 'Placed on', format: 'date' },
      { key: 'items', label: 'Items', format: 'integer', total: true },
      { key: 'amount', label: 'Amount', format: 'currency', currency: 'EUR', total: true },
      { key: 'discount', label: 'Discount', format: 'percent', decimals: 1 },
      { key: 'paid', label: 'Paid', format: 'boolean' },
    ],
    rows: [
      {
        order: 'SO-1001',
        customer: 'Ada Lovelace',
        placedOn: '2026-10-02',
        items: 3,
        amount: 1249.5,
        discount: 0.05,
        paid: true,
      },
      { order: 'SO-1002', customer: 'Grace Hopper', placedOn: '2026-11-14', items: 1, amount: 89.9, discount: 0, paid: false },
    ],
  },
];
export type ReportCell = z.infer<typeof reportCellSchema>;

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true, local: true });

/** Why a value does not fit its column's declared format, or undefined when it does. Null fits any format. */
function cellProblem(format: ColumnFormat, value: ReportCell): string | undefined {
  if (value === null) return undefined;
  switch (format) {
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer (column format "integer")';
    case 'decimal':
    case 'currency':
    case 'percent':
      return typeof value === 'number' ? undefined : `must be a number (column format "${format}")`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false (column format "boolean")';
    case 'date':
      return typeof value === 'string' && isoDate.safeParse(value).success
        ? undefined
        : 'must be an ISO 8601 date such as "2026-12-02" (column format "date")';
    case 'datetime':
      return typeof value === 'string' && (isoDateTime.safeParse(value).success || isoDate.safeParse(value).success)
        ? undefined
        : 'must be an ISO 8601 date-time such as "2026-12-02T14:05:00Z" (column format "datetime")';
    default:
      return undefined;
  }
}

function isSupportedLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf(tag).length === 1;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
