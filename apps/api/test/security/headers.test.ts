import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, recordHeaders } from '../../src/plugins/security.js';
import { auth, startTestApp, type TestApp, welcomeEmail } from '../helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('security headers', () => {
  it('records exactly the headers helmet sets on a real response', async () => {
    const middleware = helmet(HELMET_OPTIONS);
    const server = createServer((request, response) => middleware(request, response, () => response.end()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const recorded = recordHeaders(middleware);
      const sent = Object.fromEntries([...response.headers].filter(([name]) => name in recorded));
      expect(Object.keys(recorded).length).toBeGreaterThan(10);
      expect(sent).toEqual(recorded);
    } finally {
      server.close();
    }
  });

  it('refuses to record a middleware that finishes later, whose headers could be incomplete', () => {
    const later = (_request: unknown, response: { setHeader: (name: string, value: string) => void }, next: () => void) => {
      response.setHeader('X-Frame-Options', 'DENY');
      setImmediate(next);
    };
    expect(() => recordHeaders(later as Parameters<typeof recordHeaders>[0])).toThrow('did not finish synchronously');
  });

  it('sends them on every answer: accepted, invalid, unauthenticated and unknown routes', async () => {
    const expected = recordHeaders(helmet(HELMET_OPTIONS));
    const answers = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: '/v1/queues/email/jobs',
        headers: auth(),
        payload: { name: 'welcome', data: welcomeEmail() },
      }),
      t.app.inject({ method: 'POST', url: '/v1/queues/email/jobs', headers: auth(), payload: { name: 'welcome', data: {} } }),
      t.app.inject({ method: 'GET', url: '/v1/queues' }),
      t.app.inject({ method: 'GET', url: '/no-such-route' }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 400, 401, 404]);
    for (const answer of answers) expect(answer.headers, `${answer.statusCode}`).toMatchObject(expected);
  });
});
