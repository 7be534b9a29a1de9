import { z } from 'zod';
import { defineContract } from './define-contract.js';

/**
 * What a producer sends to the webhook queue. The API validates request bodies against it and the
 * worker re-validates each job on dequeue; add fields as optional, so jobs already queued stay valid.
 */
export const webhookJobSchema = z.strictObject({
  message: z.string().trim().min(1).max(1_000),
});
export type WebhookJob = z.infer<typeof webhookJobSchema>;

/** What the worker returns: others read it, so remove nothing and add no enum value without a new version. */
export const webhookResultSchema = z.strictObject({
  characters: z.int().nonnegative(),
});
export type WebhookResult = z.infer<typeof webhookResultSchema>;

export const webhookContract = defineContract({
  version: 1,
  data: webhookJobSchema,
  result: webhookResultSchema,
  upcasters: [],
  endpoints: true,
  examples: [{ message: 'hello from the webhook queue' }],
});
