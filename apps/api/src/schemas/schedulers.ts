import type { QueueName } from '@nightshift/contracts';
import { getNextMillis } from 'bullmq';
import { z } from 'zod';
import { SCHEDULER_ID_PATTERN } from './common.js';
import { contractDataSchema } from './contracts.js';
import { schedulerExamples, withExamples } from './examples.js';
import { jobNameSchema, jobOptionsSchema } from './jobs.js';

export const schedulerIdSchema = z
  .string()
  .regex(new RegExp(`^${SCHEDULER_ID_PATTERN}$`), 'must be 1 to 128 characters of letters, digits, "_", "." or "-"');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `{ pattern | every, tz?, job }`; the job's data is the queue's contract, checked now rather than at the first run. */
export function upsertSchedulerBody<Q extends QueueName>(queue: Q) {
  const body = z
    .strictObject({
      pattern: z.string().trim().min(1).max(256).optional().describe('Cron pattern, e.g. "0 8 * * 1" (Mondays 08:00)'),
      every: z
        .int()
        .min(1_000)
        .max(366 * 86_400_000)
        .optional()
        .describe('Interval in ms'),
      tz: z
        .string()
        .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')
        .optional()
        .describe('Time zone of the cron pattern (default UTC)'),
      job: z.strictObject({
        name: jobNameSchema,
        data: contractDataSchema(queue),
        opts: jobOptionsSchema.omit({ delay: true }).optional(),
      }),
    })
    .superRefine((body, ctx) => {
      if ((body.pattern === undefined) === (body.every === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: 'give exactly one of pattern or every' });
      } else if (body.every !== undefined && body.tz !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['tz'], message: 'applies to a cron pattern only, not to every' });
      } else if (body.pattern !== undefined) {
        const problem = cronProblem(body.pattern, body.tz);
        if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
      }
    });
  return withExamples(body, schedulerExamples(queue));
}

function cronProblem(pattern: string, tz: string | undefined): string | undefined {
  try {
    return getNextMillis(Date.now(), { pattern, tz }) === undefined ? 'never fires' : undefined;
  } catch (error) {
    return `is not a valid cron pattern: ${(error as Error).message}`;
  }
}

export const schedulerViewSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    name: z.string().describe('Name of the jobs it creates'),
    pattern: z.string().nullable(),
    every: z.int().nullable(),
    tz: z.string().nullable(),
    next: z.string().nullable().describe('ISO 8601 time of the next run'),
    iterationCount: z.int().nullable(),
    data: z.unknown(),
  })
  .meta({ id: 'Scheduler' });
