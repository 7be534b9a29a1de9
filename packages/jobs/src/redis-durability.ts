import type { Redis } from 'ioredis';
import { type RedisOrCluster, serversOf } from './connection.js';

/** How this Redis keeps its data across a restart, as far as it lets us read it. */
export type RedisPersistence = { readable: true; aof: boolean; rdb: boolean } | { readable: false; reason: string };

/**
 * AOF from INFO (readable on managed Redis), RDB snapshots from `CONFIG GET save`. CONFIG is often
 * disabled or not granted: when AOF is off and the snapshot schedule cannot be read, the answer is
 * "unreadable", never a guess.
 */
export async function readRedisPersistence(client: Redis): Promise<RedisPersistence> {
  let aof: boolean;
  try {
    aof = /^aof_enabled:1\b/m.test(await client.info('persistence'));
  } catch (error) {
    return { readable: false, reason: `INFO persistence failed: ${(error as Error).message}` };
  }
  if (aof) return { readable: true, aof, rdb: false };
  try {
    const [, schedule] = (await client.config('GET', 'save')) as string[];
    return { readable: true, aof, rdb: (schedule ?? '').trim() !== '' };
  } catch (error) {
    return { readable: false, reason: `AOF is off and CONFIG GET save failed: ${(error as Error).message}` };
  }
}

export class UndurableRedisError extends Error {
  readonly code = 'UNDURABLE_REDIS';
  override readonly name = 'UndurableRedisError';
}

export interface DurabilityCheckOptions {
  production: boolean;
  /** `REDIS_ALLOW_NO_PERSISTENCE`: production starts anyway, warning, on a Redis it knows may lose every job on a restart. */
  allowWithoutPersistence: boolean;
  warn: (message: string) => void;
}

/**
 * The durability half of the start-up gate: a Redis with neither AOF nor RDB loses every job when
 * it restarts. Production refuses it (and a Redis whose persistence cannot be read) unless allowed;
 * development and tests warn and go on.
 */
export async function checkRedisDurability(
  client: RedisOrCluster,
  { production, allowWithoutPersistence, warn }: DurabilityCheckOptions,
): Promise<void> {
  // One warning for a cluster, not one per master: the advice is the same.
  let warned = false;
  const warnOnce = (message: string) => {
    if (!warned) warn(message);
    warned = true;
  };
  for (const server of await serversOf(client)) {
    await checkServerDurability(server, { production, allowWithoutPersistence, warn: warnOnce });
  }
}

async function checkServerDurability(
  client: Redis,
  { production, allowWithoutPersistence, warn }: DurabilityCheckOptions,
): Promise<void> {
  const persistence = await readRedisPersistence(client);
  if (persistence.readable && (persistence.aof || persistence.rdb)) return;
  const finding = persistence.readable
    ? 'Redis persists nothing (appendonly no, no save schedule): a restart loses every job.'
    : `Redis persistence could not be read (${persistence.reason}), so it may lose every job on a restart.`;
  const advice = ' Set "appendonly yes" (or a "save" schedule), or, knowing the risk, REDIS_ALLOW_NO_PERSISTENCE=true.';
  if (production && !allowWithoutPersistence) throw new UndurableRedisError(finding + advice);
  warn(finding + advice);
}
