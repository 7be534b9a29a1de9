import { readdir } from 'node:fs/promises';
import { queueNames } from '@nightshift/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';
import { badInputCases, coveredWriteRoutes } from './bad-input-cases.js';

/**
 * Scenario 9: malformed JSON, wrong types, oversized strings and arrays, `__proto__` and
 * `constructor` keys, unknown queues and unknown fields, sent to every write route of the running
 * API. Each is answered 4xx naming the field (or saying what is wrong where there is no field),
 * the process keeps answering, and nothing reaches Redis or storage.
 */
let stack: NightshiftStack;
let api: RunningApi;
let before: Awaited<ReturnType<NightshiftStack['jobCounts']>>;
let keysBefore: string[];

interface ErrorBody {
  error?: string;
  code?: string;
  issues?: { path: string; message: string }[];
}

beforeAll(async () => {
  stack = await NightshiftStack.start();
  // Small upload and report limits, so "too large" costs kilobytes instead of megabytes.
  api = await stack.startApi({ IMAGE_MAX_BYTES: '1024', REPORT_MAX_BYTES: '65536' });
  before = await stack.jobCounts();
  keysBefore = await stack.redisKeys();
});

afterAll(() => stack?.close());

describe('bad input to every write route', () => {
  it('covers every write route the API documents', async () => {
    const document = (await api.client.get('/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const perQueue = new RegExp(`/queues/(${queueNames.join('|')})/`);
    const writeRoutes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(perQueue, '/queues/{queue}/').replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(new Set(writeRoutes)).toEqual(new Set(coveredWriteRoutes));
  });

  it.each(badInputCases.map((item) => [item.route, item.label, item] as const))('%s: %s', async (_route, _label, item) => {
    const answer = await api.client.send(item.method, item.path, item.options);
    const body = answer.body as ErrorBody;
    expect(answer.status, JSON.stringify(body)).toBe(item.status);
    const named = [body.error ?? '', ...(body.issues ?? []).map((issue) => issue.path)];
    expect(
      named.some((text) => text.includes(item.names)),
      `"${item.names}" in ${JSON.stringify(body)}`,
    ).toBe(true);
    expect(typeof body.code).toBe('string');
    expect((await api.client.get('/healthz')).status).toBe(200);
  });

  it('left the process running and nothing in Redis or storage', async () => {
    expect(api.process.running).toBe(true);
    expect(api.process.stderr).toBe('');
    // pino level 50 is error: a bad request is the client's mistake, never logged as the API failing.
    expect(api.process.lines.filter((line) => (line.level ?? 0) >= 50)).toEqual([]);
    expect(await stack.jobCounts()).toEqual(before);
    const stored = await readdir(stack.storageDir, { recursive: true }).catch(() => []);
    expect(stored.filter((entry) => !['images', 'reports', 'files'].includes(entry))).toEqual([]);
    // The rate limit counts every request, refused or not, in Redis: that counter is the only key a bad request may leave.
    const written = (await stack.redisKeys()).filter((key) => !key.includes(':rate-limit:'));
    expect(written).toEqual(keysBefore);
    recordFigure('9 bad input', 'cases, each answered 4xx naming the field', badInputCases.length, 'cases');
  });
});
