import { appRoutes } from '@bull-board/api/dist/routes.js';
import { queueNames } from '@nightshift/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminAuth, auth, ROTATED_TOKEN, startTestApp, type TestApp, TOKEN, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  // These tests send wrong dashboard credentials on purpose, more often than a client may.
  t = await startTestApp({ ADMIN_LOGIN_MAX_FAILURES: '1000' });
  // The board's job routes get a job that exists.
  await t.app.queues.email.add('welcome', welcomeEmail(), { jobId: 'board-job' });
});
afterAll(() => t.close());

const samples: Record<string, string> = { queue: 'email', id: 'x', reportId: 'r1', fileId: 'f.pdf' };
const fill = (path: string, pattern: RegExp) => path.replace(pattern, (_match, name: string) => samples[name] ?? 'x');

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** Every /v1 operation, read from the OpenAPI document (which another test checks against the route table). */
function v1Operations(): { method: Method; url: string }[] {
  const paths = (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, operations]) =>
      Object.entries(operations)
        // An operation that declares no security (a signed webhook) authenticates another way, tested on its own.
        .filter(([, operation]) => (operation as { security?: unknown[] }).security?.length !== 0)
        .map(([method]) => ({ method: method.toUpperCase() as Method, url: fill(path, /\{(\w+)\}/g) })),
    );
}

describe('bearer tokens on /v1', () => {
  it('answers 401 on every route without a token or with a wrong one', async () => {
    const operations = v1Operations();
    expect(operations.length).toBeGreaterThan(20);
    for (const { method, url } of operations) {
      for (const headers of [{}, auth('wrong-token'), { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }]) {
        const response = await t.app.inject({ method, url, headers });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.json().code).toBe('UNAUTHORIZED');
      }
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/nothing-here' })).statusCode).toBe(401);
  });

  it('accepts every token of API_TOKENS, so one can be rotated', async () => {
    for (const token of [TOKEN, ROTATED_TOKEN]) {
      expect((await t.app.inject({ method: 'GET', url: '/v1/queues', headers: auth(token) })).statusCode).toBe(200);
    }
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After once a token spent its budget, without touching other tokens', async () => {
    const limited = await startTestApp({ RATE_LIMIT_MAX: '5' });
    try {
      const list = (token: string) =>
        limited.app.inject({ method: 'GET', url: '/v1/queues/email/schedulers', headers: auth(token) });
      const responses = [];
      for (let i = 0; i < 7; i += 1) responses.push(await list(ROTATED_TOKEN));
      expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(Number(responses[6]?.headers['retry-after'])).toBeGreaterThan(0);
      expect((await list(TOKEN)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('body limit', () => {
  it('answers 413 beyond 256 KiB', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/email/jobs',
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x', data: { padding: 'x'.repeat(300 * 1024) } }),
    });
    expect(response.statusCode).toBe(413);
  });
});

describe('Bull Board at /admin/queues', () => {
  const fillBoard = (route: string) =>
    route.replace(
      /:(\w+)/g,
      (_match, name: string) => ({ queueName: 'email', jobId: 'board-job', queueStatus: 'failed' })[name] ?? 'x',
    );

  it('answers 401 on every page, asset and dashboard API route without the admin credentials', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: adminAuth() });
    expect(page.statusCode).toBe(200);
    const asset = /src="(static\/js\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(asset).toBeDefined();

    const pages = [appRoutes.entryPoint.route]
      .flat()
      .map((route) => ({ method: 'GET', url: `/admin/queues${fillBoard(route)}` }));
    const api = appRoutes.api.flatMap((route) =>
      [route.route]
        .flat()
        .flatMap((path) =>
          [route.method].flat().map((method) => ({ method: method.toUpperCase(), url: `/admin/queues${fillBoard(path)}` })),
        ),
    );
    const all = [...pages, ...api, { method: 'GET', url: `/admin/queues/${asset}` }];
    expect(api.length).toBeGreaterThanOrEqual(30);
    for (const { method, url } of all) {
      for (const headers of [{}, adminAuth(ADMIN.user, 'wrong'), auth()]) {
        const response = await t.app.inject({ method: method as Method, url, headers });
        expect(response.statusCode, `${method} ${url}`).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Basic/);
      }
    }
    // Read-only routes with the credentials: each one is really there behind the check.
    for (const { method, url } of all.filter((route) => route.method === 'GET')) {
      const response = await t.app.inject({ method: 'GET', url, headers: adminAuth() });
      expect(response.statusCode, `${method} ${url}`).toBe(200);
    }
  });

  it('lists every contract queue', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: adminAuth() });
    const names = response.json().queues.map((queue: { name: string }) => queue.name);
    expect(names.sort()).toEqual([...queueNames].sort());
  });

  it('is served under a CSP it works with: same-origin scripts only, no inline script', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: adminAuth() });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const scripts = page.body.match(/<script[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/src="static\/|type="application\/json"/);
  });
});
