import {
  checkRedisDurability,
  checkRedisEvictionPolicy,
  createRedisClient,
  type RedisLocation,
  type RedisOrCluster,
  redactRedisUrl,
} from '@nightshift/jobs';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The producer connection every queue of this process shares (fails fast, never buffers); a cluster client with REDIS_CLUSTER_NODES. */
    redis: RedisOrCluster;
  }
}

export interface RedisPluginOptions {
  location: RedisLocation;
  production: boolean;
  /** `REDIS_ALLOW_NO_PERSISTENCE`: see `checkRedisDurability`. */
  allowWithoutPersistence?: boolean;
}

/** Below 1 s, so a request to a Redis that stopped answering gets its 503 within the second the API promises. */
export const REDIS_COMMAND_TIMEOUT_MS = 700;
const STARTUP_TIMEOUT_MS = 10_000;

/** Connects at start (so the first request does not pay for it) and refuses an evicting Redis in production. */
export const redisPlugin = fp<RedisPluginOptions>(
  async (app, { location, production, allowWithoutPersistence = false }) => {
    const where = location.clusterNodes?.length
      ? `the Redis Cluster at ${location.clusterNodes.map(({ host, port }) => `${host}:${port}`).join(',')}`
      : `Redis at ${redactRedisUrl(location.url)}`;
    const client = createRedisClient('producer', location, {
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectionName: 'nightshift-api',
    });
    let lastError: Error | undefined;
    client.on('error', (error: Error) => {
      lastError = error;
      app.log.debug({ err: error }, 'redis connection error');
    });
    let quitting = false;
    client.on('close', () => {
      if (!quitting) app.log.warn('redis connection lost: job routes answer 503 until it is back');
    });
    client.on('ready', () => app.log.info({ redis: where }, 'redis connection ready'));

    try {
      await readyWithin(client, STARTUP_TIMEOUT_MS);
      await checkRedisEvictionPolicy(client, { production, warn: (message) => app.log.warn(message) });
      await checkRedisDurability(client, { production, allowWithoutPersistence, warn: (message) => app.log.warn(message) });
    } catch (error) {
      client.disconnect();
      const cause = lastError ? ` (${lastError.message})` : '';
      if (error instanceof StartupTimeoutError) {
        throw new Error(`${where} did not answer within ${STARTUP_TIMEOUT_MS} ms${cause}`);
      }
      throw error;
    }

    app.decorate<RedisOrCluster>('redis', client);
    app.addHook('onClose', async () => {
      quitting = true;
      await client.quit().catch(() => client.disconnect());
    });
  },
  { name: 'redis' },
);

class StartupTimeoutError extends Error {}

async function readyWithin(client: RedisOrCluster, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => client.once('ready', () => resolve())),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StartupTimeoutError()), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
