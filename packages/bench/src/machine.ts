import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  redis: string;
  bullmq: string;
}

export function describeMachine(redisVersion: string): Machine {
  const require = createRequire(import.meta.url);
  const bullmq = (require('bullmq/package.json') as { version: string }).version;
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    redis: redisVersion,
    bullmq,
  };
}

export interface LoadSummary {
  /** The 1-minute load average when the run started, every 5 s during it, and at its end. */
  samples: number[];
  min: number;
  max: number;
}

/**
 * The machine may be shared: the 1-minute load average is sampled through the run so a
 * reader can tell a quiet run from a disturbed one.
 */
export class LoadSampler {
  private readonly samples: number[] = [oneMinuteLoad()];
  private readonly timer = setInterval(() => this.samples.push(oneMinuteLoad()), 5_000).unref();

  stop(): LoadSummary {
    clearInterval(this.timer);
    this.samples.push(oneMinuteLoad());
    const rounded = this.samples.map((value) => Math.round(value * 100) / 100);
    return { samples: rounded, min: Math.min(...rounded), max: Math.max(...rounded) };
  }
}

export function oneMinuteLoad(): number {
  return loadavg()[0] ?? 0;
}
