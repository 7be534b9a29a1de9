import { randomUUID } from 'node:crypto';
import { TestRedisCluster, waitFor } from '@nightshift/test-support';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NightshiftStack, type RunningApi } from '../src/index.js';
import { report, welcomeEmail } from './payloads.js';

/**
 * The built API and the email, pdf and image workers on a real 3-master Redis Cluster
 * (REDIS_CLUSTER_NODES), with the production default namespace `{nightshift}`: the cluster is the
 * test's own, so nothing else shares its keys.
 */
const NAMESPACE = '{nightshift}';
let cluster: TestRedisCluster;
let stack: NightshiftStack;
let api: RunningApi;

beforeAll(async () => {
  [cluster, stack] = await Promise.all([TestRedisCluster.start({ appendonly: true }), NightshiftStack.start()]);
  const onCluster = { REDIS_CLUSTER_NODES: cluster.nodes, QUEUE_PREFIX: NAMESPACE };
  api = await stack.startApi(onCluster);
  // One at a time: four cold starts at once on a busy machine can outlast the wait for each.
  for (const worker of ['worker-email', 'worker-pdf', 'worker-image']) await stack.startWorker(worker, onCluster);
}, 180_000);

afterAll(async () => {
  await stack?.close();
  await cluster?.destroy();
});

interface JobView {
  state: string;
  failedReason: string | null;
  returnValue?: unknown;
}

async function jobView(queue: string, id: string): Promise<JobView> {
  return (await api.client.get(`/v1/queues/${queue}/jobs/${id}`)).body as JobView;
}

/** Job states have no event the test process can hear across the cluster without its own client: the API is asked. */
function until(queue: string, id: string, state: string, timeoutMs = 20_000): Promise<JobView> {
  return waitFor(
    async () => {
      const view = await jobView(queue, id);
      return view.state === state ? view : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `${queue} job ${id} ${state}` },
  );
}

async function pngUpload(): Promise<string> {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 0, g: 90, b: 160 } } })
    .png()
    .toBuffer();
  const response = await api.client.send('POST', '/v1/images', { body: png, contentType: 'image/png' });
  return (response.body as { imageId: string }).imageId;
}

describe('the apps on a Redis Cluster', () => {
  it('lays the three queues out on at least two different masters', async () => {
    const masters = await Promise.all(
      ['email', 'pdf', 'image-processing'].map((queue) => cluster.masterPortOf(`{nightshift:${queue}}:${queue}:id`)),
    );
    expect(new Set(masters).size).toBeGreaterThanOrEqual(2);
    // The keys the apps wrote are where the layout says: each queue's meta key on its master.
    const added = await api.client.post('/v1/queues/email/jobs', welcomeEmail(1));
    expect(added.status).toBe(202);
    const { id } = added.body as { id: string };
    await until('email', id, 'completed');
    const emailMaster = cluster.servers.findIndex((server) => server.port === masters[0]);
    expect(await cluster.onNode(emailMaster, (client) => client.exists(`{nightshift:email}:email:${id}`))).toBe(1);
  });

  it('runs jobs of every worker to completion', async () => {
    const imageId = await pngUpload();
    expect((await api.client.put('/v1/reports/cluster-report', report)).status).toBe(201);
    const requests = [
      ['email', welcomeEmail(2)],
      ['pdf', { name: 'render', data: { reportId: 'cluster-report', userId: 'u_1', format: 'pdf' } }],
      [
        'image-processing',
        { name: 'thumb', data: { imageId, operations: [{ type: 'resize', params: { width: 16, height: 16 } }] } },
      ],
    ] as const;
    for (const [queue, body] of requests) {
      const response = await api.client.post(`/v1/queues/${queue}/jobs`, body);
      expect(response.status).toBe(202);
      await until(queue, (response.body as { id: string }).id, 'completed');
    }
  });

  it('completes a flow across the three queues', async () => {
    const imageId = await pngUpload();
    expect((await api.client.put('/v1/reports/flow-report', report)).status).toBe(201);
    const accepted = await api.client.post('/v1/flows/report-delivery', {
      reportId: 'flow-report',
      userId: 'u_1',
      format: 'pdf',
      to: 'ada@example.com',
      imageIds: [imageId],
    });
    expect(accepted.status).toBe(202);
    const { jobs } = accepted.body as { jobs: { email: { id: string }; pdf: { id: string }; images: { id: string }[] } };
    await until('email', jobs.email.id, 'completed', 60_000);
    expect((await jobView('pdf', jobs.pdf.id)).state).toBe('completed');
    expect((await jobView('image-processing', jobs.images[0]?.id ?? '')).state).toBe('completed');
  });

  // Before the scheduler's runs and the idempotent job: the held answer must go to this job's send, the only one in flight.
  it('carries a cancellation from the API to the worker process running the job', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<undefined>((resolve) => {
      release = () => resolve(undefined);
    });
    stack.resend.script(() => held);
    const sent = stack.resend.requests.length;
    const added = await api.client.post('/v1/queues/email/jobs', welcomeEmail(5));
    const { id } = added.body as { id: string };
    expect(JSON.stringify(await stack.resend.waitForRequests(sent + 1))).toContain('user-5@example.com');
    const cancelled = await api.client.send('DELETE', `/v1/queues/email/jobs/${id}?reason=changed%20my%20mind`);
    release();
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({ outcome: 'cancellation-requested', workersNotified: 1 });
    await until('email', id, 'failed');
    // Read again: a view reads the job's hash and its state apart, so the first "failed" may carry the hash from before.
    expect(await jobView('email', id)).toMatchObject({ failedReason: 'cancelled: changed my mind' });
  });

  it('fires a scheduler', async () => {
    const id = `cluster-${randomUUID()}`;
    const upserted = await api.client.put(`/v1/queues/email/schedulers/${id}`, { every: 1_000, job: welcomeEmail(3) });
    expect(upserted.status).toBeLessThan(300);
    const fired = await waitFor(
      async () => {
        const page = (await api.client.get('/v1/queues/email/jobs?state=completed')).body as { jobs: { id: string }[] };
        return page.jobs.find((job) => job.id.startsWith(`repeat:${id}:`));
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `a completed run of scheduler ${id}` },
    );
    expect(fired.id).toContain(id);
    await api.client.send('DELETE', `/v1/queues/email/schedulers/${id}`);
  });

  it('adds one job for two requests with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `cluster-${randomUUID()}` };
    const first = await api.client.send('POST', '/v1/queues/email/jobs', { body: welcomeEmail(4), headers });
    const second = await api.client.send('POST', '/v1/queues/email/jobs', { body: welcomeEmail(4), headers });
    expect([first.status, second.status]).toEqual([202, 200]);
    expect((second.body as { id: string }).id).toBe((first.body as { id: string }).id);
  });

  it('answers 503 at /readyz and on enqueue when the cluster is down', async () => {
    expect((await api.client.get('/readyz')).status).toBe(200);
    await cluster.stop();
    const readyz = await waitFor(
      async () => {
        const response = await api.client.get('/readyz');
        return response.status === 503 ? response : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: '/readyz answering 503' },
    );
    expect(readyz.body).toMatchObject({ status: 'unavailable' });
    const enqueue = await api.client.post('/v1/queues/email/jobs', welcomeEmail(6));
    expect(enqueue.status).toBe(503);
    expect(enqueue.body).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });
});
