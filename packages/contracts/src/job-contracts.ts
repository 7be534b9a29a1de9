import type { z } from 'zod';
import type { JobContract } from './define-contract.js';
import { emailContract } from './email.js';
import { imageProcessingContract } from './image-processing.js';
import { pdfContract } from './pdf.js';
import { webhookContract } from './webhook.js';

// The one list of contracts: each queue's module is registered below and exported from here, so a new queue is one import, one export and one entry.
export * from './email.js';
export * from './image-processing.js';
export * from './pdf.js';
export * from './webhook.js';

/** Every queue Nightshift knows, with its version and the schema of what goes in and what comes out. */
export const jobContracts = {
  email: emailContract,
  pdf: pdfContract,
  'image-processing': imageProcessingContract,
  webhook: webhookContract,
} as const satisfies Record<string, JobContract>;

export type QueueName = keyof typeof jobContracts;
export const queueNames = Object.keys(jobContracts) as QueueName[];

/** The payload type of each queue, keyed by queue name. Producers and processors both use it. */
export type JobData = { [Q in QueueName]: z.infer<(typeof jobContracts)[Q]['data']> };
/** What a producer may pass for each queue: fields with a default (a resize's `fit`) may be left out. */
export type JobInput = { [Q in QueueName]: z.input<(typeof jobContracts)[Q]['data']> };
/** What each queue's processor returns. */
export type JobResult = { [Q in QueueName]: z.infer<(typeof jobContracts)[Q]['result']> };

/** The queues whose jobs go to registered endpoints (`endpoints: true` in their contract). */
export const endpointQueueNames = queueNames.filter((queue) => (jobContracts[queue] as JobContract).endpoints === true);

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(jobContracts, name);
}
