import { type QueueName, queueNames } from '@nightshift/contracts';
import { z } from 'zod';

export const errorSchema = z
  .object({
    error: z.string().describe('What went wrong and why'),
    code: z.string().describe('Stable, for clients to branch on'),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

export const queueNameSchema = z.enum(queueNames as [QueueName, ...QueueName[]]).describe('A queue of the job contracts');

/** BullMQ ids: UUIDs we generate, and `repeat:<scheduler>:<time>` for scheduled runs. */
export const jobIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9:_.-]{1,256}$/, 'must be 1 to 256 characters of letters, digits, ":", "_", "." or "-"');

export const queueParams = z.object({ queue: queueNameSchema });
export const jobParams = z.object({ queue: queueNameSchema, id: jobIdSchema });

/** Responses every authenticated route can give besides its own. */
export const authErrors = { 401: errorSchema, 429: errorSchema } as const;
export const redisErrors = { 503: errorSchema } as const;
