import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, TestRedisServer } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN } from './helpers.js';
import { lineMatching, startServer } from './server-process.js';

let redis: TestRedisServer;
let storage: string;
let server: { child: ChildProcess; lines: AsyncIterator<string> } | undefined;
beforeAll(async () => {
  redis = await TestRedisServer.start({ config: { maxmemory: '4mb', 'maxmemory-policy': 'noeviction' } });
  storage = await mkdtemp(join(tmpdir(), 'nightshift-api-logs-'));
});
afterAll(async () => {
  if (server?.child.exitCode === null) {
    const exited = once(server.child, 'exit');
    server.child.kill('SIGKILL');
    await exited;
  }
  await redis.destroy();
  await rm(storage, { recursive: true, force: true });
});

/** Fills Redis until it refuses even small writes. */
async function fillRedis(): Promise<void> {
  const filler = new Redis(redis.url);
  let key = 0;
  try {
    for (const size of [64 * 1024, 4 * 1024, 256]) {
      for (;;) {
        try {
          await filler.set(`filler:${key++}`, 'x'.repeat(size));
        } catch {
          break;
        }
      }
    }
  } finally {
    filler.disconnect();
  }
}

describe('a write Redis refuses', () => {
  it("is logged with its code, message, queue and job id, never the command's arguments (the job's data)", async () => {
    const port = await freePort();
    server = startServer({
      PORT: String(port),
      REDIS_URL: redis.url,
      STORAGE_DIR: storage,
      API_TOKENS: TOKEN,
      // Redis itself refuses the write, rather than admission control before it.
      ADMISSION_MAX_MEMORY_SHARE: '1',
    });
    await lineMatching(server.lines, /Server listening/);
    await fillRedis();

    const secret = {
      to: 'private.person@example.com',
      template: 'welcome',
      data: { name: 'Private Person', activationUrl: 'https://app.example.com/a/1' },
    };
    const response = await fetch(`http://127.0.0.1:${port}/v1/queues/email/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'welcome', data: secret }),
    });
    expect(response.status).toBe(503);

    const line = await lineMatching(server.lines, /"msg":"redis full"/);
    const logged = JSON.parse(line);
    expect(logged).toMatchObject({ level: 40, code: 'REDIS_FULL', queue: 'email', jobId: expect.any(String) });
    expect(logged.err.message).toMatch(/^OOM command not allowed/);
    expect(logged.err.command).toEqual({ name: expect.any(String) });
    expect(line).not.toContain('private.person');
    expect(line).not.toContain('Private Person');
  }, 60_000);
});
