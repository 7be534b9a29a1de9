import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JobLedger, NightshiftStack, type RunningApi, recordFigure, TEST_RECOVERY_TIMINGS } from '../src/index.js';
import { welcomeEmails } from './payloads.js';

/**
 * Scenario 2: SIGTERM (a deploy, a scale-down) while sends are in flight. The worker takes no new
 * job, lets the running ones finish, and exits 0 within SHUTDOWN_TIMEOUT_MS; no job stalls, so none
 * runs twice. A second worker then takes the rest, and its stalled checker would report any lock left behind.
 */
const JOBS = 20;
/** Long enough that a SIGTERM always finds sends in flight, well within the shutdown timeout. */
const SEND_MS = 1_500;
const SHUTDOWN_TIMEOUT_MS = Number(TEST_RECOVERY_TIMINGS.SHUTDOWN_TIMEOUT_MS);

let stack: NightshiftStack;
let api: RunningApi;
let ledger: JobLedger;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  api = await stack.startApi();
  ledger = new JobLedger(await stack.queueEvents('email'));
  stack.resend.slowSends(JOBS, SEND_MS);
});
afterAll(() => stack?.close());

it('finishes the jobs in flight, stalls none and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
  const leaving = await stack.startWorker('worker-email', { WORKER_CONCURRENCY: '5' });
  const accepted = await api.client.post('/v1/queues/email/jobs/bulk', { jobs: welcomeEmails(JOBS) });
  expect(accepted.status).toBe(202);
  const ids = (accepted.body as { ids: string[] }).ids;

  await ledger.until(() => ledger.jobs.size >= 5, 'five sends in flight');
  const inFlight = (await stack.queue('email').getActive()).map((job) => String(job.id));
  expect(inFlight.length).toBeGreaterThan(0);
  const signalledAt = Date.now();
  const exit = await leaving.kill('SIGTERM');
  const shutdownMs = exit.at - signalledAt;

  expect(exit).toMatchObject({ code: 0, signal: null });
  expect(shutdownMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  const stopped = await leaving.waitForLine((line) => line.msg === 'worker stopped', 'worker stopped');
  expect(stopped.graceful).toBe(true);
  // Finished by the leaving worker itself, before it exited.
  for (const id of inFlight) expect(ledger.record(id).completedAt, `job ${id}`).toBeLessThanOrEqual(exit.at);

  // The remaining jobs go to a second worker; its stalled checker would catch any lock left behind.
  await stack.startWorker('worker-email', { WORKER_CONCURRENCY: '10' });
  await ledger.until(() => ledger.completed.length >= JOBS, `all ${JOBS} jobs completed`);
  // Two stall checks after the last lock could have expired, so a stall would have been seen by now.
  await delay(
    Number(TEST_RECOVERY_TIMINGS.WORKER_LOCK_DURATION_MS) + 2 * Number(TEST_RECOVERY_TIMINGS.WORKER_STALLED_INTERVAL_MS),
  );

  expect(new Set(ledger.completed)).toEqual(new Set(ids));
  expect(ledger.stalled).toEqual([]);
  expect(leaving.lines.filter((line) => String(line.msg).startsWith('job stalled'))).toEqual([]);
  for (const id of ids) expect(ledger.record(id).startedAt, `attempts of ${id}`).toHaveLength(1);
  expect(stack.resend.deliveries).toBe(JOBS);

  recordFigure('2 SIGTERM', `SIGTERM → exit 0 with ${inFlight.length} sends of ${SEND_MS} ms in flight`, shutdownMs / 1_000, 's');
});
