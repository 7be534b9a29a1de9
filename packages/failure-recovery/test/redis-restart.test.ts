import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';
import { welcomeEmail } from './payloads.js';

/**
 * Scenario 4: the test's own redis-server (AOF on) stops in the middle of a steady stream of
 * requests and comes back on the same port and data. The API answers 503 while it is down and 202
 * again after; the worker, never restarted, resumes on its own; every job answered 202 completes.
 */
const OUTAGE_MS = 3_000;

interface Answer {
  status: number;
  id?: string;
  code?: string;
  sentAt: number;
  tookMs: number;
}

let stack: NightshiftStack;
let api: RunningApi;
let worker: AppProcess;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  api = await stack.startApi();
  // Debug for the per-job 'job completed' line the test counts completions by.
  worker = await stack.startWorker('worker-email', { LOG_LEVEL: 'debug' });
});
afterAll(() => stack?.close());

it('answers 503 while Redis is down, 202 after, and the worker resumes without a restart', async () => {
  const answers: Answer[] = [];
  let producing = true;
  const producer = (async () => {
    for (let index = 0; producing; index++) {
      const sentAt = Date.now();
      const response = await api.client.post('/v1/queues/email/jobs', welcomeEmail(index));
      const body = response.body as { id?: string; code?: string };
      answers.push({ status: response.status, id: body.id, code: body.code, sentAt, tookMs: Date.now() - sentAt });
      await delay(20);
    }
  })();
  const accepted = () => answers.filter((answer) => answer.status === 202);
  const completed = new Set<string>();
  worker.onLine((line) => {
    if (line.msg === 'job completed') completed.add(String(line.jobId));
  });

  await waitUntil(() => accepted().length >= 20, 'load before the outage');
  await stack.redis.stop();
  // Taken once the server has exited: a request sent while it was shutting down may still have got its 202.
  const downAt = Date.now();
  await waitUntil(() => answers.some((answer) => answer.sentAt > downAt && answer.status === 503), 'a 503');
  // The process itself stays up and says Redis is not ready.
  expect((await api.client.get('/healthz')).status).toBe(200);
  expect((await api.client.get('/readyz')).status).toBe(503);
  await delay(Math.max(0, downAt + OUTAGE_MS - Date.now()));

  const upAt = Date.now();
  await stack.redis.resume();
  await waitUntil(() => answers.some((answer) => answer.sentAt > upAt && answer.status === 202), 'a 202 after the restart');
  const apiBack = answers.find((answer) => answer.sentAt > upAt && answer.status === 202);
  const workerBack = await worker.waitForLine(
    (line) => line.msg === 'job completed' && line.readAt > upAt,
    'a job after the restart',
  );
  await delay(500);
  producing = false;
  await producer;

  const ids = accepted().map((answer) => String(answer.id));
  await waitUntil(() => ids.every((id) => completed.has(id)), `all ${ids.length} accepted jobs completed`, 30_000).catch(
    async (error: Error) => {
      // Redis can stop after running a completion but before sending its reply. ioredis sends the
      // command again on reconnect, BullMQ refuses it (the job is no longer active), and the job is
      // completed in Redis without a 'job completed' line. Redis is the record of what completed.
      const queue = stack.queue('email');
      const unlogged = ids.filter((id) => !completed.has(id));
      const states = await Promise.all(unlogged.map(async (id) => ({ id, state: await queue.getJobState(id) })));
      const notCompleted = states.filter(({ state }) => state !== 'completed');
      if (notCompleted.length > 0) {
        throw new Error(`${error.message}; not completed: ${notCompleted.map(({ id, state }) => `${id} (${state})`).join(', ')}`);
      }
      recordFigure(
        '4 Redis restart',
        'jobs completed in Redis without a log line (reply lost at the stop)',
        unlogged.length,
        'jobs',
      );
    },
  );

  const during = answers.filter((answer) => answer.sentAt > downAt && answer.sentAt < upAt);
  expect(answers.filter((answer) => answer.status !== 202 && answer.status !== 503)).toEqual([]);
  expect(during.length).toBeGreaterThan(0);
  expect(during.every((answer) => answer.status === 503 && answer.code === 'REDIS_UNAVAILABLE')).toBe(true);
  expect(worker.running).toBe(true);
  // Its reconnection backs off to at most 2 s between tries; anything near 10 s would mean it was stuck.
  expect(workerBack.readAt - upAt).toBeLessThan(10_000);
  expect(await stack.queue('email').getJobCounts('waiting', 'active', 'failed')).toEqual({ waiting: 0, active: 0, failed: 0 });

  recordFigure(
    '4 Redis restart',
    `outage of ${OUTAGE_MS} ms: slowest 503 while down`,
    Math.max(...during.map((a) => a.tookMs)),
    'ms',
  );
  recordFigure(
    '4 Redis restart',
    'Redis back → API answers 202',
    ((apiBack?.sentAt ?? upAt) + (apiBack?.tookMs ?? 0) - upAt) / 1_000,
    's',
  );
  recordFigure('4 Redis restart', 'Redis back → worker completes a job (no restart)', (workerBack.readAt - upAt) / 1_000, 's');
  recordFigure('4 Redis restart', 'jobs accepted with 202, all completed', ids.length, 'jobs');
});

async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The answers arrive from our own request loop: polling it costs nothing and has no event to await.
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}
