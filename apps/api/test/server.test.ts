import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix, TOKEN, welcomeEmail } from './helpers.js';
import { lineMatching, startServer } from './server-process.js';

describe('server.ts', () => {
  const prefix = uniquePrefix('api-server');
  let storage: string;
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'nightshift-api-server-'));
  });
  afterAll(async () => {
    await deletePrefix(SHARED_REDIS_URL, prefix);
    await rm(storage, { recursive: true, force: true });
  });

  it('finishes an in-flight request after SIGTERM, then exits 0', async () => {
    const port = await freePort();
    const { child, lines } = startServer({
      PORT: String(port),
      REDIS_URL: SHARED_REDIS_URL,
      QUEUE_PREFIX: prefix,
      STORAGE_DIR: storage,
      API_TOKENS: TOKEN,
      // 'incoming request' is logged at debug: it tells the test the request has arrived.
      LOG_LEVEL: 'debug',
    });
    const exited = once(child, 'exit');
    await lineMatching(lines, /Server listening/);

    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ name: 'welcome', data: welcomeEmail() });
    const pending = request(`http://127.0.0.1:${port}/v1/queues/email/jobs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const answered = once(pending, 'response');
    pending.write(body.slice(0, 10));
    await lineMatching(lines, /incoming request/);
    child.kill('SIGTERM');
    await lineMatching(lines, /shutting down/);
    pending.end(body.slice(10));

    const [response] = (await answered) as [NodeJS.ReadableStream & { statusCode: number }];
    expect(response.statusCode).toBe(202);
    // One access line per request, with what an operator greps for.
    const completed = JSON.parse(await lineMatching(lines, /request completed/));
    expect(completed).toMatchObject({ method: 'POST', url: '/v1/queues/email/jobs', statusCode: 202 });
    expect(completed.reqId).toEqual(expect.any(String));
    expect(completed.responseTimeMs).toBeGreaterThan(0);
    await lineMatching(lines, /"msg":"stopped"/);
    const [code] = await exited;
    expect(code).toBe(0);
  }, 60_000);

  it('exits 1 naming the variable when the configuration is bad', async () => {
    const { child } = startServer({ PORT: 'eighty', REDIS_URL: SHARED_REDIS_URL });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration: PORT/);
  }, 60_000);
});
