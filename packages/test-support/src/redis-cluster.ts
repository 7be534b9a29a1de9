import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';
import { TestRedisServer } from './redis-server.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/**
 * A real Redis Cluster of the test's own: three `redis-server --cluster-enabled yes` masters on free
 * loopback ports (each with its own data folder), joined by `redis-cli --cluster create`. Never
 * touches the shared 6379.
 */
export class TestRedisCluster {
  private constructor(readonly servers: readonly TestRedisServer[]) {}

  /** `appendonly`: AOF on every master, as production runs it (apps started with NODE_ENV=production refuse less). */
  static async start({
    masters = 3,
    appendonly = false,
  }: {
    masters?: number;
    appendonly?: boolean;
  } = {}): Promise<TestRedisCluster> {
    const servers: TestRedisServer[] = [];
    try {
      for (let index = 0; index < masters; index += 1) {
        servers.push(
          await TestRedisServer.start({
            appendonly,
            config: {
              'cluster-enabled': 'yes',
              'cluster-config-file': 'nodes.conf',
              // The bus port is port + 10000 unless set: a free port of its own avoids clashing or overflowing.
              'cluster-port': String(await freePort()),
              'cluster-node-timeout': '2000',
            },
          }),
        );
      }
      const cluster = new TestRedisCluster(servers);
      await run('redis-cli', ['--cluster', 'create', ...cluster.nodeList, '--cluster-replicas', '0', '--cluster-yes']);
      await cluster.waitUntilOk();
      return cluster;
    } catch (error) {
      await Promise.all(servers.map((server) => server.destroy()));
      throw error;
    }
  }

  /** `127.0.0.1:port` of each master. */
  get nodeList(): string[] {
    return this.servers.map((server) => `127.0.0.1:${server.port}`);
  }

  /** The value of `REDIS_CLUSTER_NODES` for an app started against this cluster. */
  get nodes(): string {
    return this.nodeList.join(',');
  }

  /** Stops every master: the cluster is down until `resume()`. */
  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.stop()));
  }

  /** Starts the masters again on the same ports and folders (they keep their nodes.conf) and waits for `cluster_state:ok`. */
  async resume(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.resume()));
    await this.waitUntilOk();
  }

  async destroy(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.destroy()));
  }

  /** Runs one command on one master (not through a cluster client): CLUSTER KEYSLOT, CLUSTER NODES, INFO. */
  async onNode<T>(index: number, command: (client: Redis) => Promise<T>): Promise<T> {
    const server = this.servers[index];
    if (!server) throw new Error(`no master ${index}: the cluster has ${this.servers.length}`);
    const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      return await command(client);
    } finally {
      client.disconnect();
    }
  }

  /** The port of the master serving a key's slot, read from CLUSTER SLOTS. */
  async masterPortOf(key: string): Promise<number> {
    return this.onNode(0, async (client) => {
      const slot = Number(await client.cluster('KEYSLOT', key));
      const range = (await client.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
      const master = range?.[2];
      if (!master) throw new Error(`no master serves slot ${slot} of ${key}`);
      return master[1];
    });
  }

  private async waitUntilOk(): Promise<void> {
    for (let index = 0; index < this.servers.length; index += 1) {
      await waitFor(() => this.onNode(index, async (client) => /^cluster_state:ok/m.test(await client.cluster('INFO'))), {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `cluster_state:ok on master ${index}`,
      });
    }
  }
}
