import { z } from 'zod';

/** Identifiers that end up in Redis keys and file names: no path separators, no surprises. */
export const resourceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1 to 128 characters of letters, digits, "_" or "-"');

export const boundedText = (max: number) => z.string().trim().min(1).max(max);

/** The pattern repeats the protocol check in the JSON Schema, where `format: uri` alone would admit any scheme. */
export const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .meta({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?:' });
