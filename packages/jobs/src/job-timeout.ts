import type { Job } from 'bullmq';
import { z } from 'zod';

/**
 * The job option that bounds one attempt, in milliseconds. BullMQ keeps a job's options whole,
 * unknown keys included, so it travels with the job; the worker's runtime enforces it.
 */
export const JOB_TIMEOUT_OPTION = 'timeoutMs';

/** From 100 ms (less is noise) to a day (longer is a job that should be split). */
export const jobTimeoutSchema = z.int().min(100).max(86_400_000);

/** Options a producer may add to BullMQ's own. */
export interface NightshiftJobOptions {
  /** How long one attempt may run before it fails with TIMEOUT (and is retried as any failure); the queue's default otherwise. */
  timeoutMs?: number;
}

/** The job's own timeout, if it set one and it is valid. */
export function jobTimeoutMs(job: Pick<Job, 'opts'>): number | undefined {
  const value = (job.opts as Record<string, unknown>)[JOB_TIMEOUT_OPTION];
  // Most jobs set none: this runs once per job, so they skip the schema.
  if (value === undefined) return undefined;
  const parsed = jobTimeoutSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Checks a producer's `timeoutMs` before anything is written; the error names the option. */
export function checkJobTimeout<O extends object | undefined>(opts: O): O {
  const value = (opts as Record<string, unknown> | undefined)?.[JOB_TIMEOUT_OPTION];
  if (value === undefined) return opts;
  const parsed = jobTimeoutSchema.safeParse(value);
  if (!parsed.success) {
    throw new RangeError(`opts.timeoutMs: must be an integer from 100 to 86400000 milliseconds, got ${JSON.stringify(value)}`);
  }
  return opts;
}

/** Why an attempt was stopped: it ran past its timeout. A plain error, so the job is retried like any failure. */
export class JobTimeoutError extends Error {
  readonly code = 'TIMEOUT';
  override readonly name = 'JobTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`TIMEOUT: the attempt ran longer than its timeout of ${timeoutMs} ms`);
  }
}
