import { z } from 'zod';
import { defineContract } from './define-contract.js';
import { resourceId } from './fields.js';

export const reportFormats = ['pdf', 'xlsx'] as const;

export const pdfJobSchema = z.strictObject({
  reportId: resourceId,
  userId: resourceId,
  format: z.enum(reportFormats),
});
export type PdfJob = z.infer<typeof pdfJobSchema>;

/**
 * What a render made. `rows` and `downloadName` came after the first version, and `pages` only
 * fits a PDF, so all three are optional: results stored before then still read.
 */
export const pdfResultSchema = z.strictObject({
  fileId: z.string(),
  format: z.enum(reportFormats),
  bytes: z.int().nonnegative(),
  /** Data rows written. */
  rows: z.int().nonnegative().optional(),
  /** PDF pages; a workbook has none. */
  pages: z.int().nonnegative().optional(),
  /** The name a download is offered under, from the title and the generation date: `quarterly-sales-2026-12-02.pdf`. */
  downloadName: z.string().optional(),
});
export type PdfResult = z.infer<typeof pdfResultSchema>;

export const pdfContract = defineContract({
  version: 1,
  data: pdfJobSchema,
  result: pdfResultSchema,
  upcasters: [],
  jobNames: ['render-report', 'report'],
  examples: [
    { reportId: 'r-1', userId: 'u_1', format: 'pdf' },
    { reportId: 'r-1', userId: 'u_1', format: 'xlsx' },
  ],
});
