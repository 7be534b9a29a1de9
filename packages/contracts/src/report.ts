import { z } from 'zod';
import { boundedText } from './fields.js';

/**
 * A report's data, stored by the API (`PUT /v1/reports/:reportId`) and rendered by the PDF
 * worker. Not a queue payload: the pdf job carries only the `reportId`, so large tables
 * never sit in Redis.
 */
export const MAX_REPORT_ROWS = 100_000;
export const MAX_REPORT_COLUMNS = 50;

export const reportColumnSchema = z.strictObject({
  key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1 to 64 characters of letters, digits, "_", "." or "-"'),
  label: boundedText(200),
});

/** Numbers stay numbers and ISO dates stay strings here; the XLSX writer turns them into typed cells. */
export const reportCellSchema = z.union([z.string().max(10_000), z.number().finite(), z.boolean(), z.null()]);

export const reportDataSchema = z
  .strictObject({
    title: boundedText(300),
    columns: z.array(reportColumnSchema).min(1).max(MAX_REPORT_COLUMNS),
    rows: z.array(z.record(z.string(), reportCellSchema)).max(MAX_REPORT_ROWS),
  })
  .superRefine((report, ctx) => {
    const keys = new Set<string>();
    report.columns.forEach((column, index) => {
      if (keys.has(column.key))
        ctx.addIssue({ code: 'custom', path: ['columns', index, 'key'], message: `duplicate column key "${column.key}"` });
      keys.add(column.key);
    });
    for (const [index, row] of report.rows.entries()) {
      const unknown = Object.keys(row).find((key) => !keys.has(key));
      if (unknown !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['rows', index, unknown], message: `is not one of the report's column keys` });
        return;
      }
    }
  });
export type ReportData = z.infer<typeof reportDataSchema>;
export type ReportCell = z.infer<typeof reportCellSchema>;
