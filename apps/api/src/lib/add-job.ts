import { createHash, randomUUID } from 'node:crypto';
import type { JobData, QueueName } from '@nightshift/contracts';
import type { ContractQueue } from '@nightshift/jobs';
import type { Job, JobsOptions } from 'bullmq';
import stableStringify from 'safe-stable-stringify';
import { ApiError } from '../errors/index.js';
import type { JobOptionsInput } from '../schemas/jobs.js';
import { type IdempotencyRecord, type IdempotencyStore, STALE_RESERVATION_MS } from './idempotency-store.js';
import { writingJobs } from './log-errors.js';
import { commandOutcomeKnown } from './redis-errors.js';

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
  const job = await writingJobs({ queue: queue.contract, jobId }, () => queue.add(name, data, { ...toJobsOptions(opts), jobId }));
  return { id: jobId, name, state: stateAtAdd(job), created: true };
}

/**
 * What an Idempotency-Key stands for: the job's name, data and options, hashed from a canonical
 * JSON (keys sorted), so the same request sent with its fields in another order still matches.
 */
export function requestFingerprint(job: { name: string; data: unknown; opts: unknown }): string {
  return createHash('sha256')
    .update(stableStringify({ name: job.name, data: job.data, opts: job.opts ?? {} }) ?? '')
    .digest('hex');
}

/**
 * The Idempotency-Key protocol. A request reserves the key (atomically, in Redis) for a job id
 * fixed before the add, adds the job under that id, then marks the key done. A key never yields
 * two jobs:
 * - the same key with another request (name, data or options) answers 422, naming the key;
 * - a request that finds the key held gets its job once that job exists; before then, a 409 to
 *   retry in a second, since answering with an id whose job may never be written would break
 *   "a 2xx means it is in Redis";
 * - an add whose outcome is unknown (timed out, connection lost) keeps the key: the add may
 *   still land. A reservation whose job has not appeared within STALE_RESERVATION_MS is taken
 *   over by adding the job under the reserved id, which BullMQ ignores if the first add landed.
 * Only an add known not to have happened (refused by admission or by Redis, or never sent) frees the key.
 */
export async function addJobOnce<Q extends QueueName>(
  queue: ContractQueue<Q>,
  store: IdempotencyStore,
  key: string,
  job: { name: string; data: JobData[Q]; opts: JobOptionsInput | undefined },
  { log, admit }: { log: { warn: (details: object, message: string) => void }; admit: () => Promise<void> },
): Promise<AddedJob> {
  const fingerprint = requestFingerprint(job);
  let mine: IdempotencyRecord = { jobId: randomUUID(), name: job.name, status: 'pending', since: Date.now(), fingerprint };
  const held = await store.reserve(queue.contract, key, mine);
  if (held) {
    const { record } = held;
    if (record.fingerprint !== undefined && record.fingerprint !== fingerprint) {
      throw new ApiError(
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key "${key}" was first sent with a different request to queue ${queue.contract} (job ${record.jobId}): ` +
          'send that same request again, or a new key for a new job',
      );
    }
    const state = await queue.getJobState(record.jobId);
    if (record.status === 'done' || state !== 'unknown') {
      return { id: record.jobId, name: record.name, state, created: false };
    }
    const takeover: IdempotencyRecord = { ...record, name: job.name, since: Date.now(), fingerprint };
    if (Date.now() - record.since < STALE_RESERVATION_MS || !(await store.swap(queue.contract, key, held.raw, takeover))) {
      throw new ApiError(
        'IDEMPOTENCY_KEY_IN_USE',
        'a request with this Idempotency-Key is still being processed: retry in a second',
        {
          headers: { 'retry-after': '1' },
        },
      );
    }
    mine = takeover;
  }

  const pending = JSON.stringify(mine);
  let added: AddedJob;
  try {
    // Only a request that will add a job is subject to admission: a replay adds nothing.
    await admit();
    added = await addJob(queue, job.name, job.data, job.opts, mine.jobId);
  } catch (error) {
    // Not awaited: with Redis hanging, waiting for the release would push the 503 past its second.
    if (error instanceof ApiError || (error instanceof Error && commandOutcomeKnown(error))) {
      void store.swap(queue.contract, key, pending, undefined).catch(() => undefined);
    }
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
