import type { QueueName } from '@nightshift/contracts';
import type { RedisOrCluster } from '@nightshift/jobs';
import { ApiError } from '../errors/index.js';
import type { Queues } from '../plugins/queues.js';
import { type RedisMemory, readRedisMemory } from './redis-memory.js';

export interface AdmissionLimits {
  /** Jobs waiting to run (waiting, prioritized, delayed) past which an enqueue is refused. */
  maxWaiting: number;
  /** Share of Redis's `maxmemory` past which an enqueue is refused; 1 leaves the bound to Redis (503 REDIS_FULL). */
  maxMemoryShare: number;
}

/** How old a reading of Redis may be: admission costs no Redis round trip on most requests. */
const READING_MAX_AGE_MS = 1_000;
/** Backlogs drain and memory frees as workers finish jobs: seconds, not an instant. */
const RETRY_AFTER_SECONDS = '5';

/** A value read from Redis at most once per `maxAgeMs`, however many requests ask at once. */
class Reading<T> {
  value: T | undefined;
  private readAt = 0;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly maxAgeMs: number,
  ) {}

  async get(): Promise<T> {
    if (this.value !== undefined && Date.now() - this.readAt < this.maxAgeMs) return this.value;
    this.pending ??= this.read()
      .then((value) => {
        this.value = value;
        this.readAt = Date.now();
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

/**
 * Admission control: an enqueue is refused with 429 and `Retry-After` while its queue's backlog
 * or Redis's memory is past the queue's limits, before Redis fills and refuses every write.
 * Workers, retries and reads are not affected. Readings are up to a second old and each process
 * counts what it admitted since, so a burst spread over several API processes can pass a bound
 * by what they admit within that second.
 */
export class Admission {
  private readonly memory: Reading<RedisMemory>;
  private readonly waiting: { readonly [Q in QueueName]: Reading<number> };

  constructor(
    redis: RedisOrCluster,
    queues: Queues,
    readonly limits: { readonly [Q in QueueName]: AdmissionLimits },
  ) {
    this.memory = new Reading(() => readRedisMemory(redis), READING_MAX_AGE_MS);
    this.waiting = Object.fromEntries(
      Object.entries(queues).map(([name, queue]) => [
        name,
        new Reading(() => queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'), READING_MAX_AGE_MS),
      ]),
    ) as { [Q in QueueName]: Reading<number> };
  }

  /** Refuses (ApiError, 429) unless every queue can take its number of new jobs; then counts them in. */
  async admit(additions: Partial<Record<QueueName, number>>): Promise<void> {
    const entries = (Object.entries(additions) as [QueueName, number][]).filter(([, count]) => count > 0);
    const [memory, ...backlogs] = await Promise.all([this.memory.get(), ...entries.map(([queue]) => this.waiting[queue].get())]);
    const headers = { 'retry-after': RETRY_AFTER_SECONDS };
    entries.forEach(([queue, count], index) => {
      const { maxWaiting, maxMemoryShare } = this.limits[queue];
      const backlog = backlogs[index] ?? 0;
      if (backlog + count > maxWaiting) {
        const message = `queue ${queue} has ${backlog} jobs waiting to run; ${count} more would pass its bound of ${maxWaiting} (ADMISSION_MAX_WAITING): retry later`;
        throw new ApiError('QUEUE_FULL', message, { headers });
      }
      if (maxMemoryShare < 1 && memory.max > 0 && memory.used > memory.max * maxMemoryShare) {
        const message = `Redis uses ${memory.used} of its maxmemory ${memory.max} bytes, past queue ${queue}'s share of ${maxMemoryShare} (ADMISSION_MAX_MEMORY_SHARE): retry later`;
        throw new ApiError('REDIS_MEMORY_HIGH', message, { headers });
      }
    });
    for (const [queue, count] of entries) {
      const reading = this.waiting[queue];
      if (reading.value !== undefined) reading.value += count;
    }
  }
}
