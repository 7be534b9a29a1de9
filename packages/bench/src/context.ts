import type { BenchRedis } from './bench-redis.js';
import type { BenchSettings } from './settings.js';

/** What every measurement gets from the run. */
export interface BenchContext {
  settings: BenchSettings;
  redis: BenchRedis;
  log: (message: string) => void;
  /** Extra Node flags for the servers the bench starts, e.g. `--cpu-prof`. */
  serverNodeArgs: readonly string[];
  /** The cores Redis is pinned to, when it is: servers the bench starts later (a cluster) get the same. */
  redisCores?: readonly number[] | undefined;
}

/** Runs each variant once per round, rotating which goes first, so drift on a shared machine hits all alike. */
export async function alternate<K extends string>(
  rounds: number,
  variants: Record<K, () => Promise<number>>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(variants) as K[];
  const results = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as K;
      results[name].push(await variants[name]());
    }
  }
  return results;
}
