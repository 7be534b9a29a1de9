import { reportDataSchema, resourceId } from '@nightshift/contracts';
import { z } from 'zod';
import { reportDataExamples, withExamples } from './examples.js';

export const imageCreatedSchema = z.object({ imageId: z.string(), bytes: z.int(), contentType: z.string() });

export const reportParams = z.object({ reportId: resourceId });
/** A report's data, as the contracts define it, with their examples. */
export const reportBody = withExamples(reportDataSchema, reportDataExamples());
export const reportStoredSchema = z.object({ reportId: z.string(), rows: z.int(), bytes: z.int() });

/** Worker output names (`pdf-<job>.pdf`): safe segments only, never a path. */
export const fileParams = z.object({
  fileId: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)*$/, 'must be letters, digits, "_", "-" and dot-separated extensions'),
});

export const fileQuery = z.object({
  expires: z.coerce.number().int().positive().optional().describe('From a signed download link'),
  signature: z.string().max(128).optional().describe('From a signed download link'),
});

export const contentTypesByExtension: Record<string, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};
