import { type JobData, jobContracts, parseJobData, type QueueName } from '@nightshift/contracts';
import type { z } from 'zod';

/**
 * Payloads `jobDataSchema` produced by parsing, with the queue whose contract they passed. Our
 * producers take them as they are instead of parsing a second time ("validate at each boundary
 * once"): the API checks a body, then `ContractQueue.add` would check its `data` again. A WeakMap,
 * so a payload is forgotten with its object. Workers validate on dequeue all the same.
 */
const parsed = new WeakMap<object, QueueName>();

/**
 * The queue's contract for use inside a larger schema (an HTTP body): same checks, same JSON Schema
 * as `jobContracts[queue].data`, and what it outputs is added by that queue's producers without
 * another parse. Change it afterwards and the change is not checked until a worker dequeues the job.
 */
export function jobDataSchema<Q extends QueueName>(queue: Q): z.ZodType<JobData[Q]> {
  // Widened for the call: TypeScript cannot relate a union of contracts to one Q's payload.
  const contract: z.ZodType = jobContracts[queue].data;
  return contract.overwrite((data) => {
    if (typeof data === 'object' && data !== null) parsed.set(data, queue);
    return data;
  }) as z.ZodType<JobData[Q]>;
}

/** `data` itself when `jobDataSchema` produced it for this queue, else parsed now. */
export function ensureJobData<Q extends QueueName>(queue: Q, data: unknown): JobData[Q] {
  if (typeof data === 'object' && data !== null && parsed.get(data) === queue) return data as JobData[Q];
  return parseJobData(queue, data);
}
