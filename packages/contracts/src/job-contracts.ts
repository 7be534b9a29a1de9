import type { z } from 'zod';
import { emailJobSchema, emailResultSchema } from './email.js';
import { imageProcessingJobSchema, imageProcessingResultSchema } from './image-processing.js';
import { pdfJobSchema, pdfResultSchema } from './pdf.js';

/** Every queue Nightshift knows, with the schema of what goes in and what comes out. */
export const jobContracts = {
  email: { data: emailJobSchema, result: emailResultSchema },
  pdf: { data: pdfJobSchema, result: pdfResultSchema },
  'image-processing': { data: imageProcessingJobSchema, result: imageProcessingResultSchema },
} as const;

export type QueueName = keyof typeof jobContracts;
export const queueNames = Object.keys(jobContracts) as QueueName[];

/** The payload type of each queue, keyed by queue name. Producers and processors both use it. */
export type JobData = { [Q in QueueName]: z.infer<(typeof jobContracts)[Q]['data']> };
/** What each queue's processor returns. */
export type JobResult = { [Q in QueueName]: z.infer<(typeof jobContracts)[Q]['result']> };

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(jobContracts, name);
}
