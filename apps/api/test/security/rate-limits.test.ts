import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { uniquePrefix } from '@nightshift/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, adminAuth, ROTATED_TOKEN, TOKEN } from '../helpers.js';
import { BuiltApi } from './built-api.js';

let started: BuiltApi[] = [];
afterEach(async () => {
  // Instances of one deployment share a prefix: its keys go with the last one stopped.
  for (const api of started.reverse()) await api.stop({ keepKeys: api !== started.at(-1) });
  started = [];
});

async function start(overrides: Record<string, string> = {}) {
  const api = await BuiltApi.start(overrides);
  started.push(api);
  return api;
}

/** Statuses of `count` requests made one after another. */
async function statuses(count: number, request: (index: number) => Promise<Response>): Promise<number[]> {
  const answered: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await request(index);
    await response.body?.cancel();
    answered.push(response.status);
  }
  return answered;
}

const repeat = (status: number, count: number) => Array<number>(count).fill(status);
const dashboard = '/admin/queues/api/queues';

// Issue 14 §3: two instances on one Redis enforce one budget per token, not one each.
describe('the API rate limit', () => {
  it('is one budget per token across two API processes on one Redis', async () => {
    const shared = {
      QUEUE_PREFIX: uniquePrefix('security-limit'),
      API_TOKENS: `${TOKEN},${ROTATED_TOKEN}`,
      RATE_LIMIT_MAX: '6',
      RATE_LIMIT_WINDOW_MS: '600000',
    };
    const [first, second] = [await start(shared), await start(shared)];
    const answered = await statuses(8, (index) => (index % 2 ? second : first).fetch('/v1/queues'));
    expect(answered).toEqual([...repeat(200, 6), 429, 429]);
    const limited = await second.fetch('/v1/queues');
    expect(await limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another token has a budget of its own.
    expect((await first.fetch('/v1/queues', { headers: { authorization: `Bearer ${ROTATED_TOKEN}` } })).status).toBe(200);
  });

  it('counts requests that arrive together exactly, across two processes', async () => {
    const shared = { QUEUE_PREFIX: uniquePrefix('security-limit-burst'), RATE_LIMIT_MAX: '10', RATE_LIMIT_WINDOW_MS: '600000' };
    const [first, second] = [await start(shared), await start(shared)];
    // Sent at once, so each process counts several of them in one Redis call.
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, index) => (index % 2 ? second : first).fetch('/v1/queues')),
    );
    await Promise.all(responses.map((response) => response.body?.cancel()));
    const answered = responses.map((response) => response.status).sort();
    expect(answered).toEqual([...repeat(200, 10), ...repeat(429, 6)]);
  });

  it('keys callers without a token by the socket address while TRUST_PROXY is off', async () => {
    const api = await start({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '600000' });
    const answered = await statuses(5, (index) =>
      fetch(`${api.url}/v1/queues`, { headers: { 'x-forwarded-for': `203.0.113.${index + 1}` } }),
    );
    // A header the client writes itself does not buy it a new budget.
    expect(answered).toEqual([...repeat(401, 3), 429, 429]);
  });

  it('keys them by the address the trusted proxy forwarded when TRUST_PROXY names it', async () => {
    const api = await start({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '600000', TRUST_PROXY: '127.0.0.1' });
    const from = (client: string) => () => fetch(`${api.url}/v1/queues`, { headers: { 'x-forwarded-for': client } });
    expect(await statuses(5, from('203.0.113.1'))).toEqual([...repeat(401, 3), 429, 429]);
    expect(await statuses(3, from('203.0.113.2'))).toEqual(repeat(401, 3));
  });

  it('refuses a TRUST_PROXY that is not an address, naming it', async () => {
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', TRUST_PROXY: '2', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'close');
    // A build that took the value would keep running: stopped here, it exits with the signal instead of 1.
    const timer = setTimeout(() => child.kill(), 15_000);
    const [code] = await exited;
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(stderr).toMatch(/TRUST_PROXY must be false, true, or comma-separated addresses/);
  });
});

// Issue 19 item 2: 2,000 wrong passwords all answered 401, at the speed of the network.
describe('dashboard logins', () => {
  it('answer 429 after ADMIN_LOGIN_MAX_FAILURES wrong passwords from one client, on every instance, right password or not', async () => {
    const shared = { QUEUE_PREFIX: uniquePrefix('security-login'), ADMIN_LOGIN_MAX_FAILURES: '5', TRUST_PROXY: '127.0.0.1' };
    const [first, second] = [await start(shared), await start(shared)];
    const attacker = { 'x-forwarded-for': '198.51.100.7' };
    const guess = (api: BuiltApi, index: number) =>
      fetch(`${api.url}${dashboard}`, { headers: { ...attacker, ...adminAuth(ADMIN.user, `guess-${index}`) } });
    expect(await statuses(8, (index) => guess(index % 2 ? second : first, index))).toEqual([...repeat(401, 5), 429, 429, 429]);

    const right = await fetch(`${second.url}${dashboard}`, { headers: { ...attacker, ...adminAuth() } });
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another client logs in, and asking for credentials (no Authorization) is not a failure.
    const admin = { 'x-forwarded-for': '192.0.2.10' };
    expect(await statuses(8, () => fetch(`${first.url}${dashboard}`, { headers: admin }))).toEqual(repeat(401, 8));
    expect((await fetch(`${first.url}${dashboard}`, { headers: { ...admin, ...adminAuth() } })).status).toBe(200);
  });

  it('refuse to start in production with a weak ADMIN_PASSWORD, naming it', async () => {
    for (const [password, reason] of [
      ['short', /ADMIN_PASSWORD must be at least 16 characters in production/],
      ['my-password-is-long-enough', /ADMIN_PASSWORD must not contain a well-known default such as "password"/],
    ] as const) {
      const attempt = BuiltApi.start({ ADMIN_PASSWORD: password });
      // One that starts all the same is stopped with the others.
      void attempt.then(
        (api) => started.push(api),
        () => undefined,
      );
      await expect(attempt).rejects.toThrow(reason);
    }
  });
});
