import { TestRedisServer } from '@nightshift/test-support';
import { Redis } from 'ioredis';

/**
 * The benchmark's own `redis-server`: no persistence, a free port, nobody else's keys, so it may
 * be flushed between measurements and its command statistics are ours alone.
 */
export class BenchRedis {
  private constructor(
    private readonly server: TestRedisServer,
    /** For the bench's own bookkeeping (flush, INFO); never handed to the code under test. */
    readonly admin: Redis,
  ) {}

  static async start(): Promise<BenchRedis> {
    const server = await TestRedisServer.start({ appendonly: false });
    const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
    return new BenchRedis(server, admin);
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  async info(field: string, section = 'server'): Promise<string> {
    const info = await this.admin.info(section);
    const value = new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();
    if (value === undefined) throw new Error(`INFO ${section} has no ${field}`);
    return value;
  }

  /** CPU seconds the server has used (`INFO cpu`, main thread and I/O threads): Redis's own cost of a measurement. */
  async cpuSeconds(): Promise<number> {
    return Number(await this.info('used_cpu_user', 'cpu')) + Number(await this.info('used_cpu_sys', 'cpu'));
  }

  async pid(): Promise<number> {
    return Number(await this.info('process_id'));
  }

  /** Empties the server between measurements, so no round pays for the last one's keys. */
  async flush(): Promise<void> {
    await this.admin.flushall();
  }

  async resetCommandStats(): Promise<void> {
    await this.admin.config('RESETSTAT');
  }

  /** Calls per command since the last reset, from `INFO commandstats` (commands run inside Lua scripts included). */
  async commandStats(): Promise<Map<string, number>> {
    const info = await this.admin.info('commandstats');
    const stats = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const [, command, calls] = match;
      if (command && calls) stats.set(command, Number(calls));
    }
    return stats;
  }

  async stop(): Promise<void> {
    this.admin.disconnect();
    await this.server.destroy();
  }
}
