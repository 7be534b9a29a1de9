import { randomUUID } from 'node:crypto';
import type { JobData, QueueName } from '@nightshift/contracts';
import type { ContractQueue } from '@nightshift/jobs';
import type { Job, JobsOptions } from 'bullmq';
import { ApiError } from '../errors/index.js';
import type { JobOptionsInput } from '../schemas/jobs.js';
import { type IdempotencyRecord, type IdempotencyStore, STALE_RESERVATION_MS } from './idempotency-store.js';

export interface AddedJob {
  id: string;
  name: string;
  state: string;
  /** False when an Idempotency-Key returned an earlier job. */
  created: boolean;
}

export function toJobsOptions(opts: JobOptionsInput | undefined): JobsOptions {
  return { ...opts };
}

/** Adds a job under an id of ours (UUIDs, not guessable counters). */
export async function addJob<Q extends QueueName>(
  queue: ContractQueue<Q>,
  name: string,
  data: JobData[Q],
  opts: JobOptionsInput | undefined,
  jobId: string = randomUUID(),
): Promise<AddedJob> {
  const job = await queue.add(name, data, { ...toJobsOptions(opts), jobId });
  return { id: jobId, name, state: stateAtAdd(job), created: true };
}

/**
 * The Idempotency-Key protocol. A request reserves the key (atomically, in Redis) for a fresh job
 * id, adds the job under that id, then marks the key done. A concurrent request with the same key
 * sees the reservation: if that job already exists it gets it, otherwise a 409 to retry in a
 * second, since answering with an id whose job may never be written would break "200 means it is
 * in Redis". A reservation whose job never appeared within STALE_RESERVATION_MS was left by a
 * request that died, and is taken over. A failed add releases the key, so a retry can succeed.
 */
export async function addJobOnce<Q extends QueueName>(
  queue: ContractQueue<Q>,
  store: IdempotencyStore,
  key: string,
  job: { name: string; data: JobData[Q]; opts: JobOptionsInput | undefined },
  log: { warn: (details: object, message: string) => void },
): Promise<AddedJob> {
  const mine: IdempotencyRecord = { jobId: randomUUID(), name: job.name, status: 'pending', since: Date.now() };
  let held = await store.reserve(queue.contract, key, mine);
  if (held) {
    const state = await queue.getJobState(held.record.jobId);
    if (held.record.status === 'done' || state !== 'unknown') {
      return { id: held.record.jobId, name: held.record.name, state, created: false };
    }
    if (Date.now() - held.record.since < STALE_RESERVATION_MS || !(await store.swap(queue.contract, key, held.raw, mine))) {
      throw new ApiError(
        'IDEMPOTENCY_KEY_IN_USE',
        'a request with this Idempotency-Key is still being processed: retry in a second',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    held = undefined;
  }

  const pending = JSON.stringify(mine);
  let added: AddedJob;
  try {
    added = await addJob(queue, job.name, job.data, job.opts, mine.jobId);
  } catch (error) {
    // Not awaited: with Redis hanging, waiting for the release would push the 503 past its second.
    void store.swap(queue.contract, key, pending, undefined).catch(() => undefined);
    throw error;
  }
  // The job is in Redis whatever happens next; a key left pending still resolves to it (see above).
  await store.swap(queue.contract, key, pending, { ...mine, status: 'done' }).catch((error: unknown) => {
    log.warn({ err: error, jobId: mine.jobId }, 'idempotency key left pending');
  });
  return added;
}

/**
 * The state BullMQ's add script put the job in, from the options it stored (queue defaults
 * included): a delay wins over a priority, as in the script. Not read back from Redis, which
 * cost a script call per job (8% of the API's CPU in packages/bench); a worker may already have
 * taken the job, which a read-back could not rule out either. A paused queue keeps its jobs in
 * `waiting` in BullMQ 6.
 */
export function stateAtAdd(job: Pick<Job, 'delay' | 'priority'>): 'delayed' | 'prioritized' | 'waiting' {
  if (job.delay > 0) return 'delayed';
  return job.priority > 0 ? 'prioritized' : 'waiting';
}
