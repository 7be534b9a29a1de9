import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';
import { type ConnectionRole, DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL, redisConnectionOptions } from './connection.js';
import { flowKeyPrefix, queueKeyPrefixFor } from './key-layout.js';

/**
 * Three attempts, 2 s then 4 s apart. Finished jobs are kept for a time (an hour completed, a week
 * failed), so a client can read a job it just saw finish however busy the queue, and capped in
 * number, so Redis memory stays bounded. Per queue: `createQueue(name, { defaultJobOptions })`.
 */
export const DEFAULT_JOB_OPTIONS = Object.freeze({
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 60 * 60, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 60 * 60, count: 5_000 },
} satisfies DefaultJobOptions);

/** How a factory reaches Redis: a client the caller owns, or a URL the factory connects to itself. */
export interface RedisTarget {
  /** A client shared between several queues (a `Cluster` for a Redis Cluster); the caller closes it. */
  connection?: ConnectionOptions;
  /** Used when no `connection` is given. Defaults to redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Key namespace (`QUEUE_PREFIX`). Defaults to `{nightshift}`; each queue's own prefix follows from it (`queueKeyPrefix`). */
  prefix?: string;
  /** The queue's flow jobs rather than its own: on a cluster they live under the namespace's shared tag. */
  flowJobs?: boolean;
}

/**
 * The environment is the app's to read (packages/config): a factory uses what it is given, else the
 * local defaults. `queue` is the queue the keys are for; a flow producer, which spans queues, passes none.
 */
export function resolveRedisTarget(
  role: ConnectionRole,
  target: RedisTarget,
  queue?: string,
): { connection: ConnectionOptions; prefix: string } {
  const connection = target.connection ?? redisConnectionOptions(role, target.redisUrl ?? DEFAULT_REDIS_URL);
  const namespace = target.prefix ?? DEFAULT_QUEUE_PREFIX;
  const prefix =
    queue === undefined || target.flowJobs ? flowKeyPrefix(namespace) : queueKeyPrefixFor(namespace, queue, connection);
  return { connection, prefix };
}

export function withDefaultJobOptions(overrides: DefaultJobOptions = {}): DefaultJobOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...overrides };
}
