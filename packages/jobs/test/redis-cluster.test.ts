import type { QueueName } from '@nightshift/contracts';
import {
  type ContractQueue,
  connectRedisClient,
  createFlowProducer,
  createQueue,
  createRedisClient,
  createWorker,
  isClusterClient,
  NamespaceNotHashTagError,
  queueKeyPrefix,
  type RedisOrCluster,
  requestCancellation,
  subscribeToCancellations,
} from '@nightshift/jobs';
import { TestRedisCluster, uniquePrefix } from '@nightshift/test-support';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from './helpers.js';

let cluster: TestRedisCluster;
let producer: RedisOrCluster;
let workerConnection: RedisOrCluster;
const closing: { close(): Promise<unknown> }[] = [];
const track = <T extends { close(): Promise<unknown> }>(resource: T): T => {
  closing.push(resource);
  return resource;
};

beforeAll(async () => {
  cluster = await TestRedisCluster.start();
  const location = { url: 'redis://127.0.0.1:6379', clusterNodes: cluster.nodeList.map(parseNode) };
  producer = await connectRedisClient('producer', location);
  workerConnection = createRedisClient('worker', location);
}, 60_000);

afterAll(async () => {
  await Promise.all(closing.map((resource) => resource.close()));
  await producer?.quit();
  await workerConnection?.quit();
  await cluster?.destroy();
});

function parseNode(node: string) {
  const [host = '', port = ''] = node.split(':');
  return { host, port: Number(port) };
}

const email = { to: 'ada@example.com', template: 'weekly-digest', data: {} } as const;

describe('on a Redis Cluster', () => {
  it('the factory returns a cluster client with the role rules on every node', () => {
    expect(isClusterClient(producer)).toBe(true);
    expect(isClusterClient(workerConnection)).toBe(true);
    expect(workerConnection.options).toMatchObject({ redisOptions: { maxRetriesPerRequest: null } });
  });

  it('gives each queue its own hash tag, so queues spread over the masters', async () => {
    const namespace = uniquePrefix('cluster');
    const prefixes = (['email', 'pdf', 'image-processing'] as QueueName[]).map((queue) =>
      queueKeyPrefix(namespace, queue, { cluster: true }),
    );
    expect(new Set(prefixes).size).toBe(3);
    const queue = track(createQueue('email', { connection: producer, prefix: namespace }));
    expect(queue.opts.prefix).toBe(`{${namespace.slice(1, -1)}:email}`);
    // On one Redis nothing moves: the namespace stays every queue's prefix.
    expect(queueKeyPrefix(namespace, 'email', { cluster: false })).toBe(namespace);
    expect(() => queueKeyPrefix('nightshift', 'email', { cluster: true })).toThrow(NamespaceNotHashTagError);
  });

  it('runs jobs of a queue end to end', async () => {
    const namespace = uniquePrefix('cluster');
    const queue = track(createQueue('email', { connection: producer, prefix: namespace }));
    const worker = track(
      createWorker('email', async () => ({ id: 'sent', sentAt: new Date().toISOString() }), {
        connection: workerConnection,
        prefix: namespace,
      }),
    );
    const done = collect(worker, 'completed', 3);
    await queue.addBulk([1, 2, 3].map((n) => ({ name: `digest-${n}`, data: email })));
    expect((await done).map((job) => job.returnvalue)).toHaveLength(3);
  });

  it('runs a flow across queues in the shared namespace', async () => {
    const namespace = uniquePrefix('cluster');
    const flows = track(createFlowProducer({ connection: producer, prefix: namespace }));
    const workers: Worker[] = [
      createWorker('image-processing', async () => ({ fileId: 'thumb', format: 'png', width: 1, height: 1, bytes: 1 }), {
        connection: workerConnection,
        prefix: namespace,
        flowJobs: true,
      }),
      createWorker('pdf', async () => ({ fileId: 'report', format: 'pdf', bytes: 1, pages: 1 }), {
        connection: workerConnection,
        prefix: namespace,
        flowJobs: true,
      }),
    ].map(track) as Worker[];
    const emailWorker = track(
      createWorker('email', async () => ({ id: 'sent', sentAt: new Date().toISOString() }), {
        connection: workerConnection,
        prefix: namespace,
        flowJobs: true,
      }),
    );
    const parentDone = collect(emailWorker, 'completed', 1);
    const node = await flows.add({
      queueName: 'email',
      name: 'report-ready',
      data: email,
      children: [
        {
          queueName: 'pdf',
          name: 'render',
          data: { reportId: 'r1', userId: 'u1', format: 'pdf' },
          children: [
            {
              queueName: 'image-processing',
              name: 'thumb',
              data: { imageId: 'i1', operations: [{ type: 'convert', params: { format: 'png' } }] },
            },
          ],
        },
      ],
    });
    const [parent] = await parentDone;
    expect(parent?.id).toBe(node.job.id);
    expect(workers).toHaveLength(2);
  });

  it('carries a cancellation over sharded pub/sub to the subscribed process', async () => {
    const namespace = uniquePrefix('cluster');
    const queue: ContractQueue<'pdf'> = track(createQueue('pdf', { connection: producer, prefix: namespace }));
    const target = { prefix: queue.opts.prefix ?? namespace, queue: 'pdf' };
    const subscriber = createRedisClient(
      'worker',
      { url: 'redis://127.0.0.1:6379', clusterNodes: cluster.nodeList.map(parseNode) },
      { shardedSubscribers: true },
    );
    let heard: (jobId: string) => void = () => undefined;
    const received = new Promise<string>((resolve) => {
      heard = resolve;
    });
    const stop = await subscribeToCancellations(subscriber, target, ({ jobId }) => heard(jobId));
    const job = await queue.add('render', { reportId: 'r1', userId: 'u1', format: 'pdf' });
    expect(await requestCancellation(producer, target, { jobId: String(job.id), reason: 'test' })).toBe(1);
    expect(await received).toBe(job.id);
    expect(await producer.hget(`${target.prefix}:pdf:${job.id}`, 'defa')).toBe('cancelled: test');
    await stop();
    await subscriber.quit();
  });
});
