import { type JobData, type JobResult, jobContracts, type QueueName } from '@nightshift/contracts';
import { type Job, type Processor, Worker, type WorkerOptions } from 'bullmq';
import { acceptJobData, type ContractSkewOptions } from './accept-job-data.js';
import { type RedisTarget, resolveRedisTarget } from './queue-options.js';

export type ContractJob<Q extends QueueName> = Job<JobData[Q], JobResult[Q], string>;

/** A processor typed by its queue's contract. `signal` fires when the job is cancelled; declare it (a third parameter) to get one. */
export type ContractProcessor<Q extends QueueName> = (
  job: ContractJob<Q>,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<JobResult[Q]>;

export interface CreateWorkerOptions extends Omit<WorkerOptions, 'connection' | 'prefix'>, RedisTarget {
  /** What to do with jobs of a newer contract version than this worker's (the producer deployed first). */
  contractSkew?: ContractSkewOptions;
}

/**
 * Re-validates each payload on dequeue, after bringing it to this worker's contract version
 * (`acceptJobData`): a payload that does not satisfy the contract (written by an old producer,
 * or straight into Redis) fails at once and is never retried. Exported for sandboxed processors,
 * which run outside `createWorker`.
 */
export function validatedProcessor<Q extends QueueName>(
  queue: Q,
  processor: ContractProcessor<Q>,
  contractSkew?: ContractSkewOptions,
): Processor<JobData[Q], JobResult[Q], string> {
  const check = async (job: ContractJob<Q>, token: string | undefined): Promise<ContractJob<Q>> => {
    job.data = (await acceptJobData(queue, jobContracts[queue], job, token, contractSkew)) as JobData[Q];
    return job;
  };
  // BullMQ creates an AbortController per job (several µs, measured by packages/bench) for processors
  // that declare a third parameter, and hands them its signal: pass that on only to processors that take it.
  if (processor.length >= 3) return async (job, token, signal) => processor(await check(job, token), token, signal);
  return async (job, token) => processor(await check(job, token), token, undefined);
}

/** A BullMQ worker for one queue, with worker connection rules (`maxRetriesPerRequest: null`). */
export function createWorker<Q extends QueueName>(
  queue: Q,
  processor: ContractProcessor<Q>,
  options: CreateWorkerOptions = {},
): Worker<JobData[Q], JobResult[Q], string> {
  const { connection, redisUrl, prefix, flowJobs, contractSkew, ...rest } = options;
  return new Worker<JobData[Q], JobResult[Q], string>(queue, validatedProcessor(queue, processor, contractSkew), {
    ...rest,
    ...resolveRedisTarget('worker', { connection, redisUrl, prefix, flowJobs }, queue),
  });
}
