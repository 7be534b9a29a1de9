import { ContractVersionError, InvalidJobDataError, type JobContract, upgradeJobData } from '@nightshift/contracts';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import { recordedContractVersion } from './contract-version.js';

/** What a worker does with a job whose contract version is newer than its own: the producer was deployed first. */
export interface ContractSkewOptions {
  /**
   * How long after a job was written a worker keeps putting it back for a worker that knows its
   * version; after that the job fails, naming both versions. Default one hour.
   */
  windowMs?: number;
  /** How long each hold lasts. Default a sixtieth of the window, between 100 ms and a minute. */
  retryMs?: number;
  /** Told each time a job is put back, for a log line and a metric. */
  onHeldBack?: (job: Job, hold: HeldBackJob) => void;
}

export interface HeldBackJob {
  recordedVersion: number;
  workerVersion: number;
  /** When the job runs again. */
  retryAt: number;
  /** The end of the skew window: a job still held back then fails. */
  deadline: number;
}

export const DEFAULT_CONTRACT_SKEW_WINDOW_MS = 3_600_000;

/**
 * The payload a processor gets, from the job as stored: brought from the contract version the job
 * recorded to this worker's by the contract's upcasters, then validated. What BullMQ should do
 * instead, it throws:
 * - a payload newer than this worker's contract, within the skew window: the job goes back to
 *   delayed without spending an attempt (`DelayedError`), for a worker that knows its version;
 * - past the window, an unknown version, an upcaster that throws, or a payload that does not fit:
 *   `UnrecoverableError`, never retried, naming the versions and the field.
 */
export async function acceptJobData<C extends JobContract>(
  queue: string,
  contract: C,
  job: Job,
  token: string | undefined,
  skew: ContractSkewOptions = {},
): Promise<z.output<C['data']>> {
  const recorded = recordedContractVersion(job);
  try {
    return upgradeJobData(queue, contract, job.data, recorded);
  } catch (error) {
    if (error instanceof ContractVersionError && error.problem === 'newer-version' && typeof recorded === 'number') {
      return holdBack(job, token, { recordedVersion: recorded, workerVersion: contract.version, message: error.message }, skew);
    }
    if (error instanceof ContractVersionError || error instanceof InvalidJobDataError) {
      throw new UnrecoverableError(error.message);
    }
    throw error;
  }
}

async function holdBack(
  job: Job,
  token: string | undefined,
  versions: { recordedVersion: number; workerVersion: number; message: string },
  skew: ContractSkewOptions,
): Promise<never> {
  const windowMs = skew.windowMs ?? DEFAULT_CONTRACT_SKEW_WINDOW_MS;
  const retryMs = skew.retryMs ?? Math.min(60_000, Math.max(100, Math.round(windowMs / 60)));
  // From the job's creation: a producer of its version has existed at least since then.
  const deadline = job.timestamp + windowMs;
  const now = Date.now();
  if (now >= deadline) {
    throw new UnrecoverableError(
      `${versions.message}, and no worker that knows it took the job within the skew window ` +
        `(${windowMs} ms from its creation at ${new Date(job.timestamp).toISOString()})`,
    );
  }
  const retryAt = Math.min(now + retryMs, deadline);
  await job.moveToDelayed(retryAt, token);
  skew.onHeldBack?.(job, { recordedVersion: versions.recordedVersion, workerVersion: versions.workerVersion, retryAt, deadline });
  throw new DelayedError(`${versions.message}: held back until ${new Date(retryAt).toISOString()}, attempt not spent`);
}
