import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CorePlan {
  redis: number[];
  /** This process, its threads and every child it starts afterwards (servers, redis-benchmark). */
  node: number[];
}

/**
 * Redis gets the last core and everything in Node the others, so the load generator never takes
 * Redis's CPU. Undefined with one core or without `taskset`: nothing is pinned, and the report says so.
 */
export async function planCores(): Promise<CorePlan | undefined> {
  const cores = availableParallelism();
  if (cores < 2) return undefined;
  const hasTaskset = await run('taskset', ['--version']).then(
    () => true,
    () => false,
  );
  if (!hasTaskset) return undefined;
  return { redis: [cores - 1], node: Array.from({ length: cores - 1 }, (_, core) => core) };
}

/** Pins every thread of `pid` (`-a`); threads and children it creates later inherit the mask. */
export async function pinProcess(pid: number, cores: readonly number[]): Promise<void> {
  await run('taskset', ['-a', '-p', '-c', cores.join(','), String(pid)]);
}
