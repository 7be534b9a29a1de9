import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AppProcess,
  JobLedger,
  NightshiftStack,
  type RunningApi,
  recordFigure,
  TEST_RECOVERY_TIMINGS,
} from '../src/index.js';
import { welcomeEmail, welcomeEmails } from './payloads.js';

/**
 * Scenario 3: a job that takes its process down on every attempt (a native crash, the kernel's OOM
 * killer). Production code has no crash switch, so the test plays the OOM killer: whichever worker
 * process runs the poison's processor (its "email rendered" line) is SIGKILLed and restarted. BullMQ
 * counts each orphaned run as a stall; once the job stalled more than WORKER_MAX_STALLED_COUNT times
 * the next worker to take it fails it without running the processor. Meanwhile the other worker keeps
 * sending. One job per process (WORKER_CONCURRENCY=1), so a crash orphans only the poison.
 */
const OTHERS = 40;
const SEND_MS = 200;
const MAX_STALLED = Number(TEST_RECOVERY_TIMINGS.WORKER_MAX_STALLED_COUNT);
const WORKER = { WORKER_CONCURRENCY: '1', LOG_LEVEL: 'debug' };

let stack: NightshiftStack;
let api: RunningApi;
let ledger: JobLedger;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  api = await stack.startApi();
  ledger = new JobLedger(await stack.queueEvents('email'));
  stack.resend.slowSends(OTHERS, SEND_MS);
});
afterAll(() => stack?.close());

it('fails a job that crashes its worker on every attempt, after the stall limit, while the others flow', async () => {
  // Queued before any worker runs, so the watchdog knows the poison's id before it can start.
  const first = await api.client.post('/v1/queues/email/jobs/bulk', { jobs: welcomeEmails(OTHERS / 2) });
  const poison = await api.client.post('/v1/queues/email/jobs', welcomeEmail(666));
  const rest = await api.client.post('/v1/queues/email/jobs/bulk', { jobs: welcomeEmails(OTHERS / 2) });
  const poisonId = (poison.body as { id: string }).id;
  const others = [first, rest].flatMap((response) => (response.body as { ids: string[] }).ids);
  expect(others).toHaveLength(OTHERS);

  const crashes: number[] = [];
  const restarts: Promise<unknown>[] = [];
  const supervise = (worker: AppProcess) =>
    worker.onLine((line) => {
      if (line.msg !== 'email rendered' || line.jobId !== poisonId) return;
      crashes.push(Date.now());
      restarts.push(worker.kill('SIGKILL').then(async () => supervise(await stack.startWorker('worker-email', WORKER))));
    });
  const workers = await Promise.all([stack.startWorker('worker-email', WORKER), stack.startWorker('worker-email', WORKER)]);
  for (const worker of workers) supervise(worker);

  await ledger.until(() => ledger.record(poisonId).failedReason !== undefined, 'the poison job failing', 60_000);
  const poisonFailedAt = Date.now();
  await ledger.until(() => others.every((id) => ledger.record(id).completedAt !== undefined), `the ${OTHERS} other jobs`);
  await Promise.all(restarts);

  expect(crashes).toHaveLength(MAX_STALLED + 1);
  const firstCrash = crashes[0] ?? 0;
  const view = await api.client.get(`/v1/queues/email/jobs/${poisonId}`);
  expect(view.body).toMatchObject({ state: 'failed', failedReason: 'job stalled more than allowable limit' });
  // Started once more than it crashed: that last time it was failed before its processor ran.
  expect(ledger.record(poisonId).startedAt).toHaveLength(MAX_STALLED + 2);
  expect(ledger.record(poisonId).stalls).toBe(MAX_STALLED + 1);
  // The kill follows the poison's 'email rendered' line by however long this process takes to read
  // it, so an attempt may reach the send first, as under a real OOM killer: its idempotency key
  // still lets at most one email out for the poison, however many attempts sent.
  expect(stack.resend.deliveries).toBeGreaterThanOrEqual(OTHERS);
  expect(stack.resend.deliveries).toBeLessThanOrEqual(OTHERS + 1);
  const completedMeanwhile = others.filter((id) => {
    const at = ledger.record(id).completedAt ?? 0;
    return at > firstCrash && at < poisonFailedAt;
  });
  expect(completedMeanwhile.length).toBeGreaterThan(0);
  expect(ledger.failed.map(([id]) => id)).toEqual([poisonId]);

  recordFigure('3 poison', 'first crash → poison failed', (poisonFailedAt - firstCrash) / 1_000, 's');
  recordFigure('3 poison', 'other jobs completed while the poison was being retried', completedMeanwhile.length, 'jobs');
});
