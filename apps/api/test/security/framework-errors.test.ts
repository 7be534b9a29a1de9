import { once } from 'node:events';
import { connect } from 'node:net';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELMET_OPTIONS, recordHeaders } from '../../src/plugins/security.js';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  // Short, so a request whose headers never finish is answered 408 within the test.
  api = await BuiltApi.start({ HEADERS_TIMEOUT_MS: '1000' });
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

/** Writes `request` on a TCP connection of its own and reads the answer until the server closes it. */
async function rawExchange(request: string) {
  const { hostname, port } = new URL(api.url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.write(request);
  const started = performance.now();
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body, text, elapsedMs: performance.now() - started };
}

// Issue 19 item 10: what Node's HTTP parser refuses never reaches Fastify, and was answered in Node's shape.
describe("requests Node's HTTP parser refuses", () => {
  const marker = '<b>echo-probe</b>';
  const cases = [
    [
      'a header line without a colon',
      `GET /v1/${marker} HTTP/1.1\r\nHost: x\r\nnot a header ${marker}\r\n\r\n`,
      400,
      'BAD_REQUEST',
    ],
    ['a malformed request line', `GET /v1/${marker} HTTP/9.Z\r\nHost: x\r\n\r\n`, 400, 'BAD_REQUEST'],
    [
      'headers past the size limit',
      `GET /v1/${marker} HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['headers that never finish', `GET /v1/${marker} HTTP/1.1\r\nHost: x\r\nx-marker: ${marker}\r\n`, 408, 'REQUEST_TIMEOUT'],
  ] as const;

  it.each(cases)(
    'answer %s in the API error shape, with the security headers, echoing nothing',
    async (_what, request, status, code) => {
      const expected = recordHeaders(helmet(HELMET_OPTIONS));
      const answer = await rawExchange(request);
      expect(answer.status, answer.text).toBe(status);
      expect(JSON.parse(answer.body)).toEqual({ code, error: expect.any(String) });
      expect(answer.headers).toMatchObject({
        ...expected,
        'content-type': 'application/json; charset=utf-8',
        connection: 'close',
      });
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.text).not.toContain('echo-probe');
      expect(answer.text).not.toContain('aaaa');
      // Logged at info under the id it answered with: a client's mistake, and nothing of what it sent.
      const [line] = await api.linesMatching((line) => line.reqId === answer.headers['x-request-id']);
      expect(line).toMatchObject({ level: 30, code, msg: 'request refused by the HTTP parser' });
      expect(JSON.stringify(line)).not.toContain('echo-probe');
    },
  );

  it('answers 408 once HEADERS_TIMEOUT_MS has passed, not before', async () => {
    const answer = await rawExchange(`GET /healthz HTTP/1.1\r\nHost: x\r\n`);
    expect(answer.status).toBe(408);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_000 - 50);
    expect(JSON.parse(answer.body).error).toContain('1000 ms');
  });
});
