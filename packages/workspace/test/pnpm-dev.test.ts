import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, SHARED_REDIS_URL, waitFor } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/index.js';

/**
 * `pnpm dev` run as a new user runs it: in a fresh `git clone` of the repository (its committed
 * state), with no credentials of its own and nothing built, on the shared Redis. Each app runs
 * from TypeScript under `tsx watch`, so the first start compiles everything: the timeouts are long.
 */
let clone: string;
let dev: ChildProcess;
let output = '';
let port: number;

/**
 * Resolves with the first match of the pattern in what `pnpm dev` printed from `from` on. A timeout
 * shows the output as it was then, so what came after the wait began is in the failure too.
 */
async function printed(pattern: RegExp, what: string, from = 0, timeoutMs = 240_000) {
  try {
    return await waitFor(() => pattern.exec(output.slice(from)), { timeoutMs, intervalMs: 200, what });
  } catch (error) {
    throw new Error(`${(error as Error).message}; pnpm dev printed:\n${output.slice(-3000)}`);
  }
}

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'nightshift-pnpm-dev-'));
  await promisify(execFile)('git', ['clone', '--quiet', REPO_ROOT, clone]);
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: SHARED_REDIS_URL,
    PORT: String(port),
    METRICS_PORT: '0',
    CI: 'true',
  };
  // As in a new user's shell: what the test runner set would stand in for what pnpm dev generates.
  for (const name of ['NODE_ENV', 'API_TOKENS', 'ADMIN_USER', 'ADMIN_PASSWORD', 'QUEUE_PREFIX', 'STORAGE_DIR', 'LOG_LEVEL']) {
    delete env[name];
  }
  // A process group of its own, so the test can stop it the way Ctrl-C does.
  dev = spawn('pnpm', ['dev'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  dev.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  dev.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
}, 60_000);

afterAll(async () => {
  const prefix = /Queue prefix\s+(\S+)/.exec(output)?.[1];
  if (dev?.exitCode === null) {
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    process.kill(-(dev.pid as number), 'SIGINT');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  }
  if (prefix) await deleteKeys(prefix);
  await rm(clone, { recursive: true, force: true });
}, 60_000);

async function deleteKeys(prefix: string) {
  const redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The Quick start's example request: the JSON after `-d` in the README's first curl to the email queue. */
async function readmeExampleRequest(): Promise<unknown> {
  const readme = await readFile(join(clone, 'README.md'), 'utf8');
  const body = /curl -s -X POST http:\/\/127\.0\.0\.1:3000\/v1\/queues\/email\/jobs[\s\S]*?-d '([^']+)'/.exec(readme)?.[1];
  if (!body) throw new Error("the README's Quick start has no example request to the email queue");
  return JSON.parse(body);
}

describe('pnpm dev in a clean clone', () => {
  it('prints the banner with generated credentials, its own queue prefix, and takes the README’s request with the printed token', async () => {
    const banner = await printed(/Nightshift is running[\s\S]*?Stop with Ctrl-C/, 'the banner');
    const text = banner[0];
    const token = /Authorization: Bearer (\S+)\)/.exec(text)?.[1] ?? '';
    const [, user = '', password = ''] = /\(user (\S+), password (\S+)\)/.exec(text) ?? [];
    expect(token).toMatch(/^dev_/);
    // The same credentials as it kept for the next start.
    const kept = JSON.parse(await readFile(join(clone, '.data', 'dev-credentials.json'), 'utf8'));
    expect(kept).toEqual({ API_TOKENS: token, ADMIN_USER: user, ADMIN_PASSWORD: password });
    expect(text).toMatch(/Queue prefix\s+\{nightshift-[0-9a-f]{8}\}/);

    const api = `http://127.0.0.1:${port}`;
    const added = await fetch(`${api}/v1/queues/email/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(await readmeExampleRequest()),
    });
    const answer = await added.text();
    expect(added.status, answer).toBe(202);
    const { id } = JSON.parse(answer) as { id: string };
    // The email worker, run from TypeScript too, sends it (to the outbox, with no provider key).
    await waitFor(
      async () => {
        const job = await fetch(`${api}/v1/queues/email/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
        return ((await job.json()) as { state: string }).state === 'completed';
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the example email job to complete' },
    );

    const board = await fetch(`${api}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    expect(board.status).toBe(200);
  }, 300_000);

  it('restarts the email worker when one of its templates changes', async () => {
    // The worker has started (it sent the job above), and tsx watches the app's src/ before it
    // starts the app, so the edit cannot fall before the watch.
    const before = output.length;
    await appendFile(join(clone, 'apps', 'worker-email', 'src', 'templates', 'welcome.tsx'), '\n// Edited by a test.\n');
    const restart = await printed(
      /worker-email:dev: .*change in \.\/src\/templates\/welcome\.tsx/,
      'the restart',
      before,
      60_000,
    );
    await printed(/worker-email:dev: .*"msg":"worker started"/, 'the worker starting again', before + restart.index, 120_000);
  }, 200_000);
});
