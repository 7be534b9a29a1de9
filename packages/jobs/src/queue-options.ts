import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';
import { type ConnectionRole, DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL, redisConnectionOptions } from './connection.js';

/** Three attempts, 2 s then 4 s apart, with bounded history so Redis memory stays flat. */
export const DEFAULT_JOB_OPTIONS = Object.freeze({
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
} satisfies DefaultJobOptions);

/** How a factory reaches Redis: a client the caller owns, or a URL the factory connects to itself. */
export interface RedisTarget {
  /** A client shared between several queues; the caller closes it. */
  connection?: ConnectionOptions;
  /** Used when no `connection` is given. Defaults to redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Key namespace. Defaults to `{nightshift}`. */
  prefix?: string;
}

/** The environment is the app's to read (packages/config): a factory uses what it is given, else the local defaults. */
export function resolveRedisTarget(role: ConnectionRole, target: RedisTarget): { connection: ConnectionOptions; prefix: string } {
  return {
    connection: target.connection ?? redisConnectionOptions(role, target.redisUrl ?? DEFAULT_REDIS_URL),
    prefix: target.prefix ?? DEFAULT_QUEUE_PREFIX,
  };
}

export function withDefaultJobOptions(overrides: DefaultJobOptions = {}): DefaultJobOptions {
  return { ...DEFAULT_JOB_OPTIONS, ...overrides };
}
