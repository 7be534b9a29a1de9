import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { MAX_REPORT_ROWS } from '@nightshift/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start({ NODE_OPTIONS: `--import ${new URL('./event-loop-probe.mjs', import.meta.url).pathname}` });
});
afterAll(() => api.stop());

/** How long one upload may hold the API's event loop: /healthz, and every other request, waits that long. */
const EVENT_LOOP_BUDGET_MS = 100;
/**
 * What a /healthz round trip may take during an upload, in wall time: it also catches a stall the
 * CPU clock does not see (a synchronous wait). Generous, since on a loaded machine an idle API's
 * slowest poll can take a second (each case prints it); the nested body took several.
 */
const HEALTHZ_WALL_BOUND_MS = 3_000;

const isProbeLine = (line: Record<string, unknown>) => line.msg === 'event loop probe';

/** The longest the API's main thread ran without reaching its timers, in CPU milliseconds, since the last call. */
async function longestEventLoopStall(): Promise<number> {
  const seen = api.lines.filter(isProbeLine).length;
  process.kill(api.pid ?? 0, 'SIGUSR2');
  const lines = await api.linesMatching(isProbeLine, seen + 1);
  return Number(lines.at(-1)?.longestCpuMs);
}

/**
 * The longest event-loop stall while `work` runs; meanwhile polls /healthz about every 20 ms from a thread of its own, so the test's own work (building and
 * sending megabytes) does not delay the polls, while `work` runs; answers the slowest poll's time.
 */
async function measureDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; stallCpuMs: number; slowestMs: number; polls: number }> {
  const poller = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    let stop = false;
    parentPort.once('message', () => { stop = true; });
    (async () => {
      let slowestMs = 0;
      let polls = 0;
      parentPort.postMessage('polling');
      while (!stop) {
        const started = performance.now();
        const response = await fetch(workerData.url);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error('/healthz answered ' + response.status);
        slowestMs = Math.max(slowestMs, performance.now() - started);
        polls++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      parentPort.postMessage({ slowestMs, polls });
    })();
    `,
    { eval: true, workerData: { url: `${api.url}/healthz` } },
  );
  const failed = once(poller, 'error').then(([error]) => {
    throw error;
  });
  await Promise.race([once(poller, 'message'), failed]);
  try {
    await longestEventLoopStall();
    const result = await work();
    const stallCpuMs = await longestEventLoopStall();
    poller.postMessage('stop');
    const [figures] = (await Promise.race([once(poller, 'message'), failed])) as [{ slowestMs: number; polls: number }];
    return { result, stallCpuMs, slowestMs: Math.round(figures.slowestMs), polls: figures.polls };
  } finally {
    await poller.terminate();
  }
}

const send = async (method: string, path: string, body: string) => {
  const response = await api.fetch(path, { method, headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { code?: string; error?: string; rows?: number } };
};

/** Prints what an upload cost the API beside what an idle API's /healthz costs on this machine now, and holds it to the budgets. */
async function expectResponsive(what: string, figures: { stallCpuMs: number; slowestMs: number; polls: number }) {
  const idle = await measureDuring(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
  console.info(
    `${what}: event loop held at most ${figures.stallCpuMs} ms (CPU); slowest /healthz ${figures.slowestMs} ms of ${figures.polls} polls (idle API: ${idle.slowestMs} ms)`,
  );
  expect(figures.stallCpuMs, what).toBeLessThan(EVENT_LOOP_BUDGET_MS);
  expect(figures.slowestMs, what).toBeLessThan(HEALTHZ_WALL_BOUND_MS);
}

// Issue 19 item 9: an 8 MB body of nested arrays held the event loop for seconds before its 400.
describe('one large upload', () => {
  it('is refused before parsing when it nests too deep, naming the problem', async () => {
    const half = 4 * 1024 * 1024;
    const nested = '['.repeat(half) + ']'.repeat(half);
    const { result, ...figures } = await measureDuring(() => send('PUT', '/v1/reports/deep', nested));
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ code: 'JSON_TOO_DEEP', error: expect.stringContaining('levels deep') });
    await expectResponsive('8 MiB of nested arrays to PUT /v1/reports', figures);
  });

  it('is refused the same way on a job route', async () => {
    const depth = 100 * 1024;
    const nested = `{"name":"welcome","data":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const { result, ...figures } = await measureDuring(() => send('POST', '/v1/queues/email/jobs', nested));
    expect(result).toMatchObject({ status: 400, body: { code: 'JSON_TOO_DEEP' } });
    await expectResponsive('200 KiB of nested arrays to POST /v1/queues/email/jobs', figures);
  });

  it('is stored off the main thread when it is the largest flat report the contract and REPORT_MAX_BYTES allow', async () => {
    const limit = Number(api.env.REPORT_MAX_BYTES ?? 10 * 1024 * 1024);
    const columns = [
      { key: 'id', label: 'Id', format: 'integer' },
      { key: 'name', label: 'Name' },
      { key: 'region', label: 'Region' },
      { key: 'amount', label: 'Amount', format: 'currency', currency: 'EUR' },
      { key: 'active', label: 'Active', format: 'boolean' },
    ];
    const build = (padding: number) =>
      JSON.stringify({
        title: 'Largest report',
        columns,
        rows: Array.from({ length: MAX_REPORT_ROWS }, (_, index) => ({
          id: index,
          name: `customer ${index}${'.'.repeat(padding)}`,
          region: 'EU-West',
          amount: index * 1.25,
          active: index % 2 === 0,
        })),
      });
    const report = build(Math.floor((limit - build(0).length) / MAX_REPORT_ROWS));
    expect(report.length).toBeLessThanOrEqual(limit);
    expect(report.length).toBeGreaterThan(limit * 0.95);
    const { result, ...figures } = await measureDuring(() => send('PUT', '/v1/reports/largest', report));
    expect(result).toMatchObject({ status: 201, body: { rows: MAX_REPORT_ROWS } });
    await expectResponsive(`${MAX_REPORT_ROWS} rows, ${report.length} bytes to PUT /v1/reports`, figures);
  }, 60_000);
});
