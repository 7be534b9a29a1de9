import { type JobContract, jobContracts, type QueueName } from '@nightshift/contracts';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The `name` label of every job whose name its contract does not list in `jobNames`. */
export const OTHER_JOB_NAME = 'other';

/**
 * The `name` label of a queue's jobs: the name itself when the contract lists it, else `other`.
 * Clients choose job names, so labelling by any name would let them add series without bound.
 */
export function jobNameLabel(queue: QueueName): (name: string) => string {
  const known = new Set((jobContracts[queue] as JobContract).jobNames ?? []);
  return (name) => (known.has(name) ? name : OTHER_JOB_NAME);
}

/**
 * What each worker process counts, per queue and job name (those of the contract, the rest as `other`), so a
 * dashboard can tell a slow template from a slow queue. What the queue holds (jobs by state, the
 * oldest waiting job) is read from Redis by the API, which sees every queue even when a queue's
 * workers are all down.
 *
 * Our own prom-client metrics rather than BullMQ's `metrics` option: BullMQ keeps per-minute
 * completed and failed counts in Redis, with no durations, wait times, job names or reasons.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly completed: Counter<'queue' | 'name'>;
  readonly failed: Counter<'queue' | 'name' | 'reason'>;
  readonly retried: Counter<'queue' | 'name'>;
  readonly permanentlyFailed: Counter<'queue' | 'name' | 'reason'>;
  readonly rateLimited: Counter<'queue' | 'name'>;
  readonly rateLimitWait: Counter<'queue'>;
  readonly heldBack: Counter<'queue' | 'name' | 'version'>;
  readonly duration: Histogram<'queue' | 'name' | 'status'>;
  /** A job's `name` label. */
  readonly nameLabel: (name: string) => string;
  readonly wait: Histogram<'queue' | 'name'>;

  constructor(queue: QueueName) {
    this.nameLabel = jobNameLabel(queue);
    const labelNames = ['queue', 'name'] as const;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'nightshift_worker_' });
    this.completed = new Counter({ name: 'nightshift_jobs_completed_total', help: 'Jobs that completed', labelNames, registers });
    this.failed = new Counter({
      name: 'nightshift_jobs_failed_total',
      help: 'Job attempts that failed, by reason class (cancelled, stalled, unrecoverable, error)',
      labelNames: ['queue', 'name', 'reason'],
      registers,
    });
    this.retried = new Counter({
      name: 'nightshift_jobs_retried_total',
      help: 'Failed attempts that will be retried',
      labelNames,
      registers,
    });
    this.permanentlyFailed = new Counter({
      name: 'nightshift_jobs_permanently_failed_total',
      help: 'Jobs that failed their last attempt or failed unrecoverably, by reason class',
      labelNames: ['queue', 'name', 'reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'nightshift_jobs_rate_limited_total',
      help: 'Attempts put back to wait because a downstream service asked to slow down',
      labelNames,
      registers,
    });
    this.rateLimitWait = new Counter({
      name: 'nightshift_rate_limit_wait_seconds_total',
      help: 'Time the queue was paused because a downstream service asked to slow down',
      labelNames: ['queue'],
      registers,
    });
    this.heldBack = new Counter({
      name: 'nightshift_jobs_held_back_total',
      help: "Attempts put back to wait, without spending one, because the job's contract version is newer than the worker's",
      labelNames: ['queue', 'name', 'version'],
      registers,
    });
    this.duration = new Histogram({
      name: 'nightshift_job_duration_seconds',
      help: 'Processing time of one attempt',
      labelNames: ['queue', 'name', 'status'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.wait = new Histogram({
      name: 'nightshift_job_wait_seconds',
      help: 'Time from when a job could first run (added, or its delay over) to the start of its first attempt',
      labelNames,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 1800, 3600],
      registers,
    });
  }
}
