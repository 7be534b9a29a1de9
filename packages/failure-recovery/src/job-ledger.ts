import { EventEmitter } from 'node:events';
import type { QueueEvents } from 'bullmq';

export interface JobRecord {
  /** When each attempt went active, as this process heard it (ms since the epoch). */
  startedAt: number[];
  completedAt?: number;
  failedReason?: string;
  stalls: number;
}

/**
 * What happened to each job of a queue, from its event stream. Queue events are written by the same
 * Redis scripts that move the jobs, so they survive any worker dying; completed jobs themselves are
 * trimmed by `removeOnComplete`, so this is the record that stays.
 */
export class JobLedger {
  readonly jobs = new Map<string, JobRecord>();
  private readonly changed = new EventEmitter();

  constructor(events: QueueEvents) {
    events.on('active', ({ jobId }) => this.update(jobId, (job) => job.startedAt.push(Date.now())));
    events.on('completed', ({ jobId }) => this.update(jobId, (job) => (job.completedAt = Date.now())));
    events.on('failed', ({ jobId, failedReason }) => this.update(jobId, (job) => (job.failedReason = failedReason)));
    events.on('stalled', ({ jobId }) => this.update(jobId, (job) => (job.stalls += 1)));
    this.changed.setMaxListeners(100);
  }

  get completed(): string[] {
    return [...this.jobs].filter(([, job]) => job.completedAt !== undefined).map(([id]) => id);
  }

  get failed(): [string, string][] {
    return [...this.jobs].flatMap(([id, job]) =>
      job.failedReason === undefined ? [] : [[id, job.failedReason] as [string, string]],
    );
  }

  get stalled(): string[] {
    return [...this.jobs].filter(([, job]) => job.stalls > 0).map(([id]) => id);
  }

  record(id: string): JobRecord {
    return this.jobs.get(id) ?? { startedAt: [], stalls: 0 };
  }

  /** Resolves once `check` holds, re-checked on every event; fails after `timeoutMs` saying `what`. */
  until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const listener = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.changed.off('change', listener);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changed.off('change', listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.summary()})`));
      }, timeoutMs);
      this.changed.on('change', listener);
    });
  }

  summary(): string {
    return `${this.jobs.size} jobs seen, ${this.completed.length} completed, ${this.failed.length} failed, ${this.stalled.length} stalled`;
  }

  private update(jobId: string, change: (job: JobRecord) => void): void {
    const job = this.record(jobId);
    change(job);
    this.jobs.set(jobId, job);
    this.changed.emit('change');
  }
}
