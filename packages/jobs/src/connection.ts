import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/**
 * The default prefix is a Redis Cluster hash tag: every key of every queue lands in
 * one slot, which BullMQ's multi-key Lua scripts need on a cluster.
 */
export const DEFAULT_QUEUE_PREFIX = '{nightshift}';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const redisUrlSchema = z.string().refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), {
  message: 'must be a redis:// or rediss:// URL, e.g. redis://user:password@host:6379/0',
});

export const queuePrefixSchema = z
  .string()
  .regex(/^[A-Za-z0-9_{}.-]{1,64}$/, 'must be 1 to 64 characters of letters, digits, "{}", "_", "." or "-"');

/**
 * Producers fail fast: a request must not hang on a Redis that is down.
 * Workers wait: BullMQ's blocking commands need `maxRetriesPerRequest: null`,
 * and a worker should ride out a Redis restart on its own.
 */
export type ConnectionRole = 'producer' | 'worker';

export interface RoleOptions {
  enableOfflineQueue: boolean;
  maxRetriesPerRequest: number | null;
  connectTimeout?: number;
  retryStrategy: (attempt: number) => number;
}

const roleOptions: Record<ConnectionRole, RoleOptions> = {
  producer: {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  },
  worker: {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  },
};

/** Connection options for BullMQ: it creates (and closes) the client itself. */
export function redisConnectionOptions(role: ConnectionRole, url: string): RoleOptions & { url: string } {
  return { url: redisUrlSchema.parse(url), ...roleOptions[role] };
}

/** A client to share between several queues; the caller owns it and must `quit()` it. */
export function createRedisClient(role: ConnectionRole, url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(redisUrlSchema.parse(url), { ...roleOptions[role], ...overrides });
}

/**
 * Like `createRedisClient`, resolved once connected: a producer client refuses commands
 * until then (`enableOfflineQueue: false`), so connect before the first command.
 */
export async function connectRedisClient(role: ConnectionRole, url: string, overrides: RedisOptions = {}): Promise<Redis> {
  const client = createRedisClient(role, url, { ...overrides, lazyConnect: true });
  await client.connect();
  return client;
}

/** The URL without its password, for logs. */
export function redactRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * BullMQ keeps its state in ordinary keys: a Redis that evicts keys under memory pressure
 * silently loses jobs and locks. Reads the policy from INFO (CONFIG is often disabled on
 * managed Redis).
 */
export async function readEvictionPolicy(client: Redis): Promise<string | undefined> {
  const info = await client.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

export class UnsafeRedisConfigError extends Error {
  readonly code = 'UNSAFE_REDIS_CONFIG';
  override readonly name = 'UnsafeRedisConfigError';

  constructor(readonly policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}": Redis may evict job and lock keys under memory pressure and lose jobs. ` +
        'Set "maxmemory-policy noeviction" (redis.conf or CONFIG SET).',
    );
  }
}

/**
 * The start-up gate shared by the API and the workers: production refuses an evicting Redis,
 * development and tests get the warning and go on.
 */
export async function checkRedisEvictionPolicy(
  client: Redis,
  { production, warn }: { production: boolean; warn: (message: string) => void },
): Promise<void> {
  const policy = await readEvictionPolicy(client);
  if (policy === undefined || policy === 'noeviction') return;
  const error = new UnsafeRedisConfigError(policy);
  if (production) throw error;
  warn(error.message);
}
