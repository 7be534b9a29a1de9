import { z } from 'zod';
import { queueNameSchema } from './common.js';

export const fingerprintSchema = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex digits, as GET /v1/queues/{queue}/failures gives them')
  .describe('A failure group, as listed by GET /v1/queues/{queue}/failures');

export const failureGroupParams = z.object({ queue: queueNameSchema, fingerprint: fingerprintSchema });

export const listFailuresQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a cursor returned by a previous page')
    .optional(),
});

const isoTime = z.string().describe('ISO 8601');

export const failureGroupSchema = z
  .object({
    fingerprint: fingerprintSchema,
    errorClass: z.string().describe('The error class, from the first line of the stack'),
    message: z.string().describe('The message with URLs, emails, ids and numbers replaced by <url>, <email>, <id> and <n>'),
    frame: z.string().nullable().describe('The first stack frame of our code, without line and column'),
    count: z.int(),
    firstSeen: isoTime,
    lastSeen: isoTime,
    sampleMessage: z.string().describe('The message of the most recent failure, as it was'),
    sampleJobIds: z.array(z.string()).describe('The most recent failures'),
  })
  .meta({ id: 'FailureGroup' });

export const failureGroupListSchema = z.object({
  groups: z.array(failureGroupSchema).describe('Largest first, then the most recent'),
  totalGroups: z.int(),
  totalFailed: z.int().describe('Failed jobs in the queue right now'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const failureGroupActionSchema = z.object({
  queue: z.string(),
  fingerprint: z.string(),
  moved: z.int().optional().describe('Jobs moved back to waiting by this call: none that an earlier call moved'),
  removed: z.int().optional().describe('Jobs removed by this call'),
});
