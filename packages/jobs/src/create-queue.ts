import type { JobData, JobInput, JobResult, QueueName } from '@nightshift/contracts';
import {
  type BulkJobOptions,
  type Job,
  type JobSchedulerTemplateOptions,
  type JobsOptions,
  Queue,
  type QueueOptions,
  type RepeatOptions,
} from 'bullmq';
import { withContractVersion } from './contract-version.js';
import { checkJobTimeout, type NightshiftJobOptions } from './job-timeout.js';
import { type RedisTarget, resolveRedisTarget, withDefaultJobOptions } from './queue-options.js';
import { ensureJobData } from './validate.js';

export interface CreateQueueOptions extends Omit<QueueOptions, 'connection' | 'prefix'>, RedisTarget {}

export interface JobSchedulerTemplate<Q extends QueueName> {
  name?: string;
  data: JobData[Q];
  opts?: JobSchedulerTemplateOptions;
}

/**
 * A BullMQ queue bound to one contract: `add`, `addBulk` and `upsertJobScheduler` accept only
 * that queue's payload type and validate it at run time before anything is written to Redis
 * (once: a payload that `jobDataSchema` already produced is not parsed again). Every job records
 * the contract version it was produced under in its options (`withContractVersion`).
 */
export class ContractQueue<Q extends QueueName> extends Queue<
  JobData[Q],
  JobResult[Q],
  string,
  JobData[Q],
  JobResult[Q],
  string
> {
  constructor(
    readonly contract: Q,
    options: CreateQueueOptions = {},
  ) {
    const { connection, redisUrl, prefix, flowJobs, defaultJobOptions, ...rest } = options;
    super(contract, {
      ...rest,
      ...resolveRedisTarget('producer', { connection, redisUrl, prefix, flowJobs }, contract),
      defaultJobOptions: withDefaultJobOptions(defaultJobOptions),
    });
  }

  override async add(
    name: string,
    data: JobInput[Q],
    opts?: JobsOptions & NightshiftJobOptions,
  ): Promise<Job<JobData[Q], JobResult[Q], string>> {
    return super.add(name, ensureJobData(this.contract, data), withContractVersion(this.contract, checkJobTimeout(opts)));
  }

  /** All jobs are validated before any is added, so a bad one leaves nothing half-written. */
  override async addBulk(
    jobs: { name: string; data: JobInput[Q]; opts?: BulkJobOptions & NightshiftJobOptions }[],
  ): Promise<Job<JobData[Q], JobResult[Q], string>[]> {
    const checked = jobs.map((job) => ({
      ...job,
      data: ensureJobData(this.contract, job.data),
      opts: withContractVersion(this.contract, checkJobTimeout(job.opts)),
    }));
    return super.addBulk(checked);
  }

  /** BullMQ 6's replacement for the `repeat` option: one scheduler per id, upserted atomically. */
  override async upsertJobScheduler(
    jobSchedulerId: string,
    repeatOpts: Omit<RepeatOptions, 'key'>,
    jobTemplate: JobSchedulerTemplate<Q>,
  ): Promise<Job<JobData[Q], JobResult[Q], string>> {
    const template = {
      ...jobTemplate,
      data: ensureJobData(this.contract, jobTemplate.data),
      opts: withContractVersion(this.contract, jobTemplate.opts),
    };
    return super.upsertJobScheduler(jobSchedulerId, repeatOpts, template);
  }
}

/**
 * `createQueue('email', { redisUrl, prefix })` connects with producer rules (or uses the given
 * client): it fails fast instead of buffering commands while Redis is down.
 */
export function createQueue<Q extends QueueName>(name: Q, options: CreateQueueOptions = {}): ContractQueue<Q> {
  return new ContractQueue(name, options);
}
