import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/**
 * The default namespace is a Redis Cluster hash tag: on a single Redis every key lives under it, and on a
 * cluster each queue gets a tag of its own derived from it (`queueKeyPrefix`) while flows keep this one.
 */
export const DEFAULT_QUEUE_PREFIX = '{nightshift}';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export const redisUrlSchema = z.string().refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), {
  message: 'must be a redis:// or rediss:// URL, e.g. redis://user:password@host:6379/0',
});

export const queuePrefixSchema = z
  .string()
  .regex(
    /^(\{[A-Za-z0-9_.-]{1,62}\}|[A-Za-z0-9_.-]{1,64})$/,
    'must be 1 to 64 characters of letters, digits, "_", "." or "-", optionally wrapped in "{}" (a hash tag)',
  );

/** One seed node of a Redis Cluster; the client learns the others from it. */
export interface ClusterNode {
  host: string;
  port: number;
}

/** `host:port,host:port`, as `REDIS_CLUSTER_NODES` is written. */
export const clusterNodesSchema = z
  .string()
  .trim()
  .min(1, 'must list at least one host:port')
  .transform((value, context): ClusterNode[] => {
    const nodes: ClusterNode[] = [];
    for (const entry of value.split(',').map((part) => part.trim())) {
      const match = /^(\[[0-9a-fA-F:]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match?.[1] || port < 1 || port > 65_535) {
        context.addIssue({ code: 'custom', message: `"${entry}" is not host:port (e.g. redis-1:6379)` });
        return z.NEVER;
      }
      nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
    }
    return nodes;
  });

/**
 * Where Redis is: a URL (credentials, TLS, database), and for a cluster its seed nodes, which then
 * replace the URL's host and port (a cluster has no database but 0).
 */
export interface RedisLocation {
  url: string;
  clusterNodes?: readonly ClusterNode[] | undefined;
}

/** A single Redis or a cluster client: what every factory here accepts and returns. */
export type RedisOrCluster = Redis | Cluster;

/** True for a cluster client: its keys must then be laid out by slot (`queueKeyPrefix`). */
export function isClusterClient(client: unknown): client is Cluster {
  return client instanceof Cluster;
}

/** The servers a configuration check must read: every master of a cluster (known once it is ready), else the one Redis. */
export async function serversOf(client: RedisOrCluster): Promise<Redis[]> {
  if (!isClusterClient(client)) return [client];
  if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  return client.nodes('master');
}

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

/** Cluster-only settings a caller may add, e.g. `shardedSubscribers` for a connection that listens for cancellations. */
export type ClientOverrides = RedisOptions & Pick<ClusterOptions, 'shardedSubscribers'>;

/**
 * A client to share between several queues; the caller owns it and must `quit()` it. Every app
 * connects through here: given cluster nodes, it returns an ioredis `Cluster` with the same role rules.
 */
export function createRedisClient(role: ConnectionRole, url: string, overrides?: ClientOverrides): Redis;
export function createRedisClient(role: ConnectionRole, location: RedisLocation, overrides?: ClientOverrides): RedisOrCluster;
export function createRedisClient(
  role: ConnectionRole,
  location: string | RedisLocation,
  overrides: ClientOverrides = {},
): RedisOrCluster {
  const { url, clusterNodes } = typeof location === 'string' ? { url: location, clusterNodes: undefined } : location;
  const { shardedSubscribers, ...redisOverrides } = overrides;
  if (!clusterNodes?.length) return new Redis(redisUrlSchema.parse(url), { ...roleOptions[role], ...redisOverrides });
  return createClusterClient(role, url, clusterNodes, redisOverrides, shardedSubscribers ?? false);
}

function createClusterClient(
  role: ConnectionRole,
  url: string,
  nodes: readonly ClusterNode[],
  overrides: RedisOptions,
  shardedSubscribers: boolean,
): Cluster {
  const parsed = new URL(redisUrlSchema.parse(url));
  const { retryStrategy, enableOfflineQueue, ...perNode } = roleOptions[role];
  const { lazyConnect, ...nodeOverrides } = overrides;
  return new Cluster([...nodes], {
    lazyConnect: lazyConnect ?? false,
    enableOfflineQueue,
    shardedSubscribers,
    // Slots move between masters: the client follows MOVED, and reconnects to the cluster as a whole.
    clusterRetryStrategy: retryStrategy,
    redisOptions: {
      ...perNode,
      ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
      ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
      ...(parsed.protocol === 'rediss:' && { tls: { servername: parsed.hostname } }),
      ...nodeOverrides,
    },
  });
}

/**
 * Like `createRedisClient`, resolved once connected: a producer client refuses commands
 * until then (`enableOfflineQueue: false`), so connect before the first command.
 */
export async function connectRedisClient(role: ConnectionRole, url: string, overrides?: ClientOverrides): Promise<Redis>;
export async function connectRedisClient(
  role: ConnectionRole,
  location: RedisLocation,
  overrides?: ClientOverrides,
): Promise<RedisOrCluster>;
export async function connectRedisClient(
  role: ConnectionRole,
  location: string | RedisLocation,
  overrides: ClientOverrides = {},
): Promise<RedisOrCluster> {
  const client = createRedisClient(role, location as RedisLocation, { ...overrides, lazyConnect: true });
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
  client: RedisOrCluster,
  { production, warn }: { production: boolean; warn: (message: string) => void },
): Promise<void> {
  for (const server of await serversOf(client)) {
    const policy = await readEvictionPolicy(server);
    if (policy === undefined || policy === 'noeviction') continue;
    const error = new UnsafeRedisConfigError(policy);
    if (production) throw error;
    warn(error.message);
    return;
  }
}
