import type { QueueName } from '@nightshift/contracts';
import { jobTimeoutSchema } from '@nightshift/jobs';
import { PRIORITY_LIMIT } from 'bullmq';
import { z } from 'zod';
import { contractDataSchema } from './contracts.js';
import { addJobExamples, bulkJobsExamples, withExamples } from './examples.js';

/** BullMQ 6's states. It has no `paused` list any more: a paused queue keeps its jobs in `waiting`. */
export const jobStates = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children'] as const;
export type ListedJobState = (typeof jobStates)[number];
const countKeys = [...jobStates, 'paused'] as const;

const DAY_MS = 86_400_000;

const backoffSchema = z.union([
  z.int().min(0).max(DAY_MS).describe('Fixed delay between attempts, in ms'),
  z.strictObject({
    type: z.enum(['fixed', 'exponential']),
    delay: z.int().min(0).max(DAY_MS).optional(),
    jitter: z.number().min(0).max(1).optional(),
  }),
]);

/** The job options a client may set; connection, ids and retention stay the API's business. */
export const jobOptionsSchema = z.strictObject({
  priority: z
    .int()
    .min(1)
    // BullMQ's own limit, so a number it would refuse is a 400 here rather than a 500 at add.
    .max(PRIORITY_LIMIT)
    .optional()
    .describe('1 runs first; jobs without a priority run before any prioritized job'),
  delay: z
    .int()
    .min(0)
    .max(365 * DAY_MS)
    .optional()
    .describe('Milliseconds to wait before the job may run'),
  attempts: z.int().min(1).max(100).optional().describe('Tries before the job fails for good (default 3)'),
  backoff: backoffSchema.optional(),
  timeoutMs: jobTimeoutSchema
    .optional()
    .describe(
      "Milliseconds one attempt may run before it fails with TIMEOUT and is retried (default: the queue's JOB_TIMEOUT_MS)",
    ),
});
export type JobOptionsInput = z.infer<typeof jobOptionsSchema>;

export const jobNameSchema = z.string().trim().min(1).max(128);

/** `{ name, data, opts }` where `data` is the queue's contract: the one schema for validation and the OpenAPI document. Its `data` comes out marked as parsed, so `ContractQueue.add` does not parse it again. */
export function addJobBody<Q extends QueueName>(queue: Q) {
  return withExamples(jobBody(queue), addJobExamples(queue));
}

function jobBody<Q extends QueueName>(queue: Q) {
  return z.strictObject({ name: jobNameSchema, data: contractDataSchema(queue), opts: jobOptionsSchema.optional() });
}

export const MAX_BULK_JOBS = 1_000;
export function bulkJobsBody<Q extends QueueName>(queue: Q) {
  return withExamples(z.strictObject({ jobs: z.array(jobBody(queue)).min(1).max(MAX_BULK_JOBS) }), bulkJobsExamples(queue));
}

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
    .optional()
    .describe('Same key on the same queue within 24 h: the first job is returned and nothing is created'),
});

export const jobAcceptedSchema = z.object({
  id: z.string(),
  queue: z.string(),
  name: z.string(),
  state: z.string().describe('BullMQ state; "unknown" when the job is no longer in Redis'),
});

export const bulkAcceptedSchema = z.object({ queue: z.string(), ids: z.array(z.string()) });

const isoTime = z.string().describe('ISO 8601');

export const jobViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    queue: z.string(),
    state: z.string(),
    progress: z.unknown(),
    attemptsMade: z.int(),
    // Not the contract: a job written by an older producer must still be readable.
    data: z.unknown(),
    contractVersion: z
      .int()
      .nullable()
      .describe('The contract version the job was produced under; null for a job written before contracts had versions'),
    returnValue: z.unknown(),
    failedReason: z.string().nullable(),
    failedChild: z
      .object({ queue: z.string(), id: z.string(), failedReason: z.string().nullable() })
      .nullable()
      .optional()
      .describe('For a parent failed by a child: that child and its reason'),
    createdAt: isoTime,
    processedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
  })
  .meta({ id: 'Job' });

export const listJobsQuery = z.strictObject({
  state: z.enum(jobStates).default('waiting'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a cursor returned by a previous page')
    .optional(),
});

export const jobListSchema = z.object({
  jobs: z.array(jobViewSchema),
  total: z.int().describe('Jobs in this state right now'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const jobLogsSchema = z.object({ logs: z.array(z.string()), count: z.int() });

export const removeJobQuery = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .default('cancelled through the API')
    .describe('Handed to the processor when it is running'),
});

export const jobRemovedSchema = z.object({
  id: z.string(),
  queue: z.string(),
  outcome: z.enum(['removed', 'cancellation-requested']),
  workersNotified: z.int().optional().describe('Worker processes of the queue that received the cancellation'),
});

export const queueSummarySchema = z.object({
  name: z.string(),
  paused: z.boolean(),
  counts: z
    .object(Object.fromEntries(countKeys.map((state) => [state, z.int()])) as Record<(typeof countKeys)[number], z.ZodInt>)
    .describe('`paused` is the number of waiting jobs held back while the queue is paused, 0 otherwise'),
  workers: z.int(),
  admission: z
    .object({ maxWaiting: z.int(), maxMemoryShare: z.number() })
    .describe(
      'Enqueues answer 429 past these: jobs waiting to run (`ADMISSION_MAX_WAITING`), share of Redis maxmemory (`ADMISSION_MAX_MEMORY_SHARE`)',
    ),
});
