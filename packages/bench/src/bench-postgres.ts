import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { processCpuSeconds } from './proc-stats.js';

/** The machine's PostgreSQL, as CI and the bench machine run it: loopback, trust auth. */
const SERVER = 'postgres://postgres@127.0.0.1:5432';

/**
 * A database of the bench's own on the machine's PostgreSQL, for the peers that queue there
 * (pg-boss, graphile-worker): a unique name, dropped by `stop()`, so nothing is left behind
 * and no other database's backends are counted.
 */
export class BenchPostgres {
  private constructor(
    /** Connected to the `postgres` database: creates and drops the bench's, and reads `pg_stat_activity`. */
    private readonly admin: pg.Client,
    readonly database: string,
  ) {}

  static async start(): Promise<BenchPostgres> {
    const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(`PostgreSQL at ${SERVER} (user postgres, trust auth) is needed for the peer rows: ${String(error)}`);
    }
    const database = `nightshift_bench_${randomUUID().replaceAll('-', '')}`;
    await admin.query(`CREATE DATABASE ${database}`);
    return new BenchPostgres(admin, database);
  }

  get url(): string {
    return `${SERVER}/${this.database}`;
  }

  /**
   * CPU seconds used so far by each backend serving the bench's database, from /proc (Linux).
   * Sum the difference over a measurement for PostgreSQL's own cost.
   */
  async backendCpu(): Promise<Map<number, number>> {
    const { rows } = await this.admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      this.database,
    ]);
    const cpu = new Map<number, number>();
    for (const { pid } of rows) {
      const seconds = await processCpuSeconds(pid);
      if (seconds !== undefined) cpu.set(pid, seconds);
    }
    return cpu;
  }

  async stop(): Promise<void> {
    try {
      await this.admin.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
    } finally {
      await this.admin.end();
    }
  }
}

/** CPU seconds the backends spent between two `backendCpu()` readings; a backend born in between counts from zero. */
export function backendCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}
