import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, JobLedger, NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';
import { welcomeEmails } from './payloads.js';

/**
 * Scenario 1: 500 emails through the real API and the real email worker (Resend through the local
 * stand-in). The worker is SIGKILLed three times mid-load and restarted at once, as a supervisor
 * would. The jobs arrive in four waves, each killed into mid-way: a kill must find jobs in flight
 * however fast this machine drains a queue, and a job must not be orphaned twice (see below). The
 * ledger is what Resend saw: one request per attempt that reached the send, keyed by the job's
 * idempotency key, so the effect (a delivered email) happens once per job however often it runs.
 */
const JOBS = 500;
const KILLS = 3;
/** Each send takes this long at the stand-in, so a kill lands while sends are in flight. */
const SEND_MS = 40;

let stack: NightshiftStack;
let api: RunningApi;
let ledger: JobLedger;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  api = await stack.startApi();
  ledger = new JobLedger(await stack.queueEvents('email'));
  stack.resend.slowSends(JOBS * 2, SEND_MS);
});
afterAll(() => stack?.close());

it('loses no job and sends each email once when the worker is SIGKILLed three times mid-load', async () => {
  const started = Date.now();
  let worker: AppProcess = await stack.startWorker('worker-email', { WORKER_CONCURRENCY: '10' });
  // The built app took the short timings from its environment.
  const settings = await worker.waitForLine((line) => line.msg === 'worker started', 'worker started');
  expect(settings).toMatchObject({ lockDurationMs: 2_000, stalledIntervalMs: 1_000, maxStalledCount: 1 });
  const wave = JOBS / (KILLS + 1);
  const ids: string[] = [];
  const addWave = async () => {
    const accepted = await api.client.post('/v1/queues/email/jobs/bulk', { jobs: welcomeEmails(wave) });
    expect(accepted.status).toBe(202);
    const added = (accepted.body as { ids: string[] }).ids;
    expect(added).toHaveLength(wave);
    ids.push(...added);
    return added;
  };

  const orphaned: string[][] = [];
  const backAfterMs: number[] = [];
  for (let kill = 1; kill <= KILLS; kill++) {
    // The next wave only once the previous kill's jobs are done: a job whose worker dies twice while
    // running it fails by design (WORKER_MAX_STALLED_COUNT=1, as in production); scenario 3 covers that.
    await ledger.until(
      () => orphaned.flat().every((id) => ledger.record(id).completedAt !== undefined),
      `the jobs orphaned by kill ${kill - 1} completed`,
    );
    const added = await addWave();
    // A fifth of the wave done: the worker is busy, with most of the wave still to go.
    await ledger.until(
      () => added.filter((id) => ledger.record(id).completedAt !== undefined).length >= wave / 5,
      `a fifth of wave ${kill} completed before kill ${kill}`,
    );
    const killedAt = Date.now();
    await worker.kill('SIGKILL');
    // Read after the exit: exactly the jobs the dead process held, whose locks will expire.
    const held = (await stack.queue('email').getActive()).map((job) => String(job.id));
    expect(held.length, `jobs in flight at kill ${kill}`).toBeGreaterThan(0);
    orphaned.push(held);
    const attemptsBefore = new Map(held.map((id) => [id, ledger.record(id).startedAt.length]));

    worker = await stack.startWorker('worker-email', { WORKER_CONCURRENCY: '10' });
    await ledger.until(
      () => held.some((id) => ledger.record(id).startedAt.length > (attemptsBefore.get(id) ?? 0)),
      `a job of kill ${kill} running again`,
    );
    const firstBack = Math.min(...held.flatMap((id) => ledger.record(id).startedAt.slice(attemptsBefore.get(id))));
    backAfterMs.push(firstBack - killedAt);
  }
  await addWave();
  await ledger.until(() => ledger.completed.length >= JOBS, `all ${JOBS} jobs completed`, 90_000);
  const elapsed = (Date.now() - started) / 1_000;

  // No job lost, none failed, nothing left behind.
  expect(new Set(ledger.completed)).toEqual(new Set(ids));
  expect(ledger.failed).toEqual([]);
  expect(await stack.queue('email').getJobCounts('waiting', 'active', 'delayed', 'failed')).toEqual({
    waiting: 0,
    active: 0,
    delayed: 0,
    failed: 0,
  });

  // Exactly the orphaned jobs stalled and ran twice; every other job ran once.
  const rerun = new Set(orphaned.flat());
  expect(new Set(ledger.stalled)).toEqual(rerun);
  for (const id of ids) expect(ledger.record(id).startedAt.length, `attempts of ${id}`).toBe(rerun.has(id) ? 2 : 1);

  // The ledger: at most one send per attempt, and one delivered email per job.
  const sendsByJob = new Map<string, string[]>();
  for (const request of stack.resend.requests) {
    const key = request.headers['idempotency-key'] ?? '';
    const id = /:email:([^:]+):\d+$/.exec(key)?.[1] ?? `(unkeyed ${key})`;
    sendsByJob.set(id, [...(sendsByJob.get(id) ?? []), key]);
  }
  expect(new Set(sendsByJob.keys())).toEqual(new Set(ids));
  for (const [id, keys] of sendsByJob) {
    expect(keys.length, `sends of ${id}`).toBeLessThanOrEqual(ledger.record(id).startedAt.length);
    expect(new Set(keys).size, `keys of ${id}`).toBe(1);
  }
  expect(stack.resend.deliveries).toBe(JOBS);
  const repeatedSends = [...sendsByJob.values()].filter((keys) => keys.length > 1).length;

  recordFigure('1 SIGKILL', 'kill → running again, first orphaned job (mean)', mean(backAfterMs) / 1_000, 's');
  recordFigure('1 SIGKILL', 'kill → running again (worst of 3)', Math.max(...backAfterMs) / 1_000, 's');
  recordFigure('1 SIGKILL', 'jobs orphaned by the 3 kills', rerun.size, 'jobs');
  recordFigure('1 SIGKILL', 'sends repeated by a re-run, absorbed by the idempotency key', repeatedSends, 'jobs');
  recordFigure('1 SIGKILL', `${JOBS} jobs with ${KILLS} kills, wall time`, elapsed, 's');
});

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
