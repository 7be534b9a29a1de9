import { isClusterClient, type RedisOrCluster } from '@nightshift/jobs';
import type { Redis } from 'ioredis';

export interface RedisMemory {
  /** Bytes Redis counts against `maxmemory` (`used_memory` less what it does not count for eviction). */
  used: number;
  /** 0 when unlimited. */
  max: number;
  policy: string;
}

/**
 * From INFO, which managed Redis allows where CONFIG is often disabled. On a cluster, the fullest
 * master's: a write to its slots is refused when it is full, whatever the others hold.
 */
export async function readRedisMemory(client: RedisOrCluster): Promise<RedisMemory> {
  if (!isClusterClient(client)) return readServerMemory(client);
  // A cluster client that is not ready has no masters to ask: say so rather than wait.
  if (client.status !== 'ready') throw new Error(`the Redis Cluster connection is ${client.status}`);
  const masters = await Promise.all(client.nodes('master').map(readServerMemory));
  return masters.reduce((fullest, memory) => (share(memory) > share(fullest) ? memory : fullest));
}

function share({ used, max }: RedisMemory): number {
  return max === 0 ? 0 : used / max;
}

async function readServerMemory(client: Redis): Promise<RedisMemory> {
  const info = await client.info('memory');
  const field = (name: string) => /^(\S+)/.exec(info.split(`\n${name}:`)[1] ?? '')?.[1];
  const used = Number(field('used_memory') ?? 0) - Number(field('mem_not_counted_for_evict') ?? 0);
  return { used, max: Number(field('maxmemory') ?? 0), policy: field('maxmemory_policy') ?? 'unknown' };
}

/** Why Redis refuses writes now, or undefined: at `maxmemory` under `noeviction`, as production runs it. */
export function whyRedisIsFull({ used, max, policy }: RedisMemory): string | undefined {
  if (max === 0 || policy !== 'noeviction' || used <= max) return undefined;
  return `Redis is full: ${used} bytes used of maxmemory ${max} with maxmemory-policy noeviction, so it refuses writes`;
}
