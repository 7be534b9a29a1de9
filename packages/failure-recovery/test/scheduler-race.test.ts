import { afterAll, beforeAll, expect, it } from 'vitest';
import { NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';

/**
 * Scenario 8: four API processes (a deploy that scaled out, each upserting its schedulers at start,
 * or four clients retrying) write the same scheduler id at the same moment, each with its own
 * interval. BullMQ's upsert is one Lua script per call: exactly one scheduler and one next job remain.
 */
const APIS = 4;
const ROUNDS = 5;
const SCHEDULER = 'weekly-digest';

let stack: NightshiftStack;
let apis: RunningApi[];

beforeAll(async () => {
  stack = await NightshiftStack.start();
  apis = await Promise.all(Array.from({ length: APIS }, () => stack.startApi()));
});
afterAll(() => stack?.close());

it('leaves exactly one scheduler and one next job when four API processes upsert it at once', async () => {
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const answers = await Promise.all(
      apis.map((api, index) =>
        api.client.put(`/v1/queues/email/schedulers/${SCHEDULER}`, {
          every: 60_000 + index * 1_000,
          job: { name: 'digest', data: { to: 'team@example.com', template: 'weekly-digest', data: { name: `api ${index}` } } },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(APIS).fill(200));
  }
  const racedMs = Date.now() - started;

  const [first] = apis;
  if (!first) throw new Error('no API process started');
  const listed = await first.client.get('/v1/queues/email/schedulers');
  const schedulers = (listed.body as { schedulers: { id: string; every: number }[] }).schedulers;
  expect(schedulers.map((scheduler) => scheduler.id)).toEqual([SCHEDULER]);
  expect(schedulers[0]?.every).toBeGreaterThanOrEqual(60_000);

  const queue = stack.queue('email');
  const pending = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
  expect(pending.map((job) => job.repeatJobKey)).toEqual([SCHEDULER]);
  expect(await queue.getJobSchedulersCount()).toBe(1);
  for (const api of apis) expect(api.process.running).toBe(true);

  recordFigure('8 scheduler race', `${ROUNDS} rounds of ${APIS} simultaneous upserts`, racedMs / 1_000, 's');
});
