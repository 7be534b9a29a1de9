import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, recordHeaders } from '../../src/plugins/security.js';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start();
});
afterAll(() => api.stop());

// Issue 19 item 10: what Fastify answers before routing skipped our hooks: no security headers, and the path echoed back.
describe('errors found before routing', () => {
  it('answer in the API error shape, with the security headers, without echoing the path', async () => {
    const expected = recordHeaders(helmet(HELMET_OPTIONS));
    const marker = '<script>alert(1)</script>';
    for (const [path, status, code] of [
      [`/v1/queues/email/jobs/${encodeURIComponent(marker)}%E0%A4%A`, 400, 'INVALID_URL'],
      [`/v1/queues/email/jobs/${encodeURIComponent(marker)}${'a'.repeat(300)}`, 404, 'NOT_FOUND'],
    ] as const) {
      const response = await api.fetch(path);
      const body = await response.text();
      expect(response.status, path).toBe(status);
      expect(JSON.parse(body)).toMatchObject({ code, error: expect.any(String) });
      expect(body).not.toContain('script');
      expect(body).not.toContain('aaaa');
      const sent = Object.fromEntries([...response.headers].filter(([name]) => name in expected));
      expect(sent, path).toEqual(expected);
      expect(response.headers.get('x-request-id')).toBeTruthy();
    }
  });
});
