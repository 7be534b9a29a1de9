import {
  InvalidJobDataError,
  type JobData,
  type JobResult,
  jobContracts,
  type QueueName,
  toJobDataIssues,
} from '@nightshift/contracts';
import { type Job, type Processor, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import { type RedisTarget, resolveRedisTarget } from './queue-options.js';

export type ContractJob<Q extends QueueName> = Job<JobData[Q], JobResult[Q], string>;

/** A processor typed by its queue's contract. `signal` fires when the job is cancelled; declare it (a third parameter) to get one. */
export type ContractProcessor<Q extends QueueName> = (
  job: ContractJob<Q>,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<JobResult[Q]>;

export interface CreateWorkerOptions extends Omit<WorkerOptions, 'connection' | 'prefix'>, RedisTarget {}

/**
 * Re-validates each payload on dequeue: a payload that does not satisfy the contract
 * (written by an old producer, or straight into Redis) fails at once and is never retried.
 * Exported for sandboxed processors, which run outside `createWorker`.
 */
export function validatedProcessor<Q extends QueueName>(
  queue: Q,
  processor: ContractProcessor<Q>,
): Processor<JobData[Q], JobResult[Q], string> {
  const check = (job: ContractJob<Q>): ContractJob<Q> => {
    const parsed = jobContracts[queue].data.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(new InvalidJobDataError(queue, toJobDataIssues(parsed.error)).message);
    }
    job.data = parsed.data as JobData[Q];
    return job;
  };
  // BullMQ creates an AbortController per job (several µs, measured by packages/bench) for processors
  // that declare a third parameter, and hands them its signal: pass that on only to processors that take it.
  if (processor.length >= 3) return async (job, token, signal) => processor(check(job), token, signal);
  return async (job, token) => processor(check(job), token, undefined);
}

/** A BullMQ worker for one queue, with worker connection rules (`maxRetriesPerRequest: null`). */
export function createWorker<Q extends QueueName>(
  queue: Q,
  processor: ContractProcessor<Q>,
  options: CreateWorkerOptions = {},
): Worker<JobData[Q], JobResult[Q], string> {
  const { connection, redisUrl, prefix, ...rest } = options;
  return new Worker<JobData[Q], JobResult[Q], string>(queue, validatedProcessor(queue, processor), {
    ...rest,
    ...resolveRedisTarget('worker', { connection, redisUrl, prefix }),
  });
}
