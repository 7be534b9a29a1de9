import { z } from 'zod';
import { resourceId } from './fields.js';

export const reportFormats = ['pdf', 'xlsx'] as const;

export const pdfJobSchema = z.strictObject({
  reportId: resourceId,
  userId: resourceId,
  format: z.enum(reportFormats),
});
export type PdfJob = z.infer<typeof pdfJobSchema>;

export const pdfResultSchema = z.strictObject({
  fileId: z.string(),
  format: z.enum(reportFormats),
  bytes: z.int().nonnegative(),
  pages: z.int().nonnegative(),
});
export type PdfResult = z.infer<typeof pdfResultSchema>;
