import type { z } from 'zod';
import { type JobData, jobContracts, type QueueName } from './contracts/index.js';
import { InvalidJobDataError, toJobDataIssues } from './errors/index.js';

/**
 * Payloads this module produced by parsing, with the queue whose contract they passed. Our
 * producers take them as they are instead of parsing a second time ("validate at each boundary
 * once"): the API checks a body, then `ContractQueue.add` would check its `data` again. A WeakMap,
 * so a payload is forgotten with its object. Workers validate on dequeue all the same.
 */
const parsed = new WeakMap<object, QueueName>();

function remember<Q extends QueueName>(queue: Q, data: JobData[Q]): JobData[Q] {
  if (typeof data === 'object' && data !== null) parsed.set(data, queue);
  return data;
}

/**
 * Checks a payload against its queue's contract; returns the parsed value or throws `InvalidJobDataError`.
 * The value returned is accepted by that queue's producers without another parse: change it afterwards
 * and the change is not checked until a worker dequeues the job.
 */
export function parseJobData<Q extends QueueName>(queue: Q, data: unknown): JobData[Q] {
  const result = jobContracts[queue].data.safeParse(data);
  if (!result.success) throw new InvalidJobDataError(queue, toJobDataIssues(result.error));
  return remember(queue, result.data as JobData[Q]);
}

/**
 * The queue's contract for use inside a larger schema (an HTTP body): what it outputs counts as
 * parsed, as `parseJobData`'s does. Same checks, same JSON Schema as `jobContracts[queue].data`.
 */
export function jobDataSchema<Q extends QueueName>(queue: Q): z.ZodType<JobData[Q]> {
  // Widened for the call: TypeScript cannot relate a union of contracts to one Q's payload.
  const contract: z.ZodType = jobContracts[queue].data;
  return contract.overwrite((data) => remember(queue, data as JobData[Q])) as z.ZodType<JobData[Q]>;
}

/** `data` itself when `parseJobData` or `jobDataSchema` produced it for this queue, else parsed now. */
export function ensureJobData<Q extends QueueName>(queue: Q, data: unknown): JobData[Q] {
  if (typeof data === 'object' && data !== null && parsed.get(data) === queue) return data as JobData[Q];
  return parseJobData(queue, data);
}
