import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLinks } from '../../src/lib/file-links.js';
import { auth, FILE_LINK_SECRET, TOKEN, welcomeEmail } from '../helpers.js';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start();
});
afterAll(() => api.stop());

const accessLines = (path: string, count: number) =>
  api.linesMatching((line) => line.msg === 'request completed' && String(line.url).startsWith(path), count);

// Issue 19 item 5: a signed link in the access log lets whoever reads the logs download the file for days.
describe('the access log', () => {
  it('keeps the path of a signed download link but not its signature', async () => {
    const fileId = 'pdf-logged.pdf';
    const storage = api.env.STORAGE_DIR ?? '';
    await mkdir(join(storage, 'files'), { recursive: true });
    await writeFile(join(storage, 'files', fileId), '%PDF-1.7 test');
    const link = new URL(new FileLinks(FILE_LINK_SECRET, api.url).url(fileId));
    const signature = link.searchParams.get('signature') ?? '';
    expect(signature.length).toBeGreaterThan(20);

    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('%PDF-1.7 test');
    // The same link with the signature first in the query.
    const reordered = `/v1/files/${fileId}?signature=${signature}&expires=${link.searchParams.get('expires')}`;
    expect((await fetch(`${api.url}${reordered}`)).status).toBe(200);

    const lines = await accessLines(`/v1/files/${fileId}`, 2);
    expect(lines[0]).toMatchObject({
      url: `/v1/files/${fileId}?expires=${link.searchParams.get('expires')}&signature=[redacted]`,
    });
    expect(JSON.stringify(api.lines)).not.toContain(signature);
  });
});

describe('bearer tokens', () => {
  it('never reach a log line, whether the request is accepted, refused or invalid', async () => {
    const wrongToken = 'wrong-token-that-must-not-be-logged';
    const post = (requestId: string, token: string, data: unknown) =>
      fetch(`${api.url}/v1/queues/email/jobs`, {
        method: 'POST',
        headers: { ...auth(token), 'content-type': 'application/json', 'x-request-id': `token-check-${requestId}` },
        body: JSON.stringify({ name: 'welcome', data }),
      });
    const answers = await Promise.all([
      post('accepted', TOKEN, welcomeEmail()),
      post('invalid', TOKEN, { ...welcomeEmail(), to: 'not an address' }),
      post('refused', wrongToken, welcomeEmail()),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([202, 400, 401]);
    await api.linesMatching((line) => line.msg === 'request completed' && String(line.reqId).startsWith('token-check-'), 3);
    expect(JSON.stringify(api.lines)).not.toContain(TOKEN);
    expect(JSON.stringify(api.lines)).not.toContain(wrongToken);
  });
});

// Issue 19 item 12: what clients cause is not the operator's error.
describe('client-caused noise', () => {
  it('logs a client that drops its upload at info, without a stack', async () => {
    // At debug, the API says when the request has arrived: the client hangs up after that.
    const debug = await BuiltApi.start({ LOG_LEVEL: 'debug' });
    try {
      // Dropped while the API waits on Redis for the rate limit, a request ends before anything reads
      // its body, and nothing is logged: the client drops uploads until one ends mid-body.
      const dropped: string[] = [];
      let closed: Record<string, unknown> | undefined;
      for (let attempt = 0; attempt < 10 && !closed; attempt += 1) {
        const socket = connect(Number(new URL(debug.url).port), '127.0.0.1');
        await once(socket, 'connect');
        const path = `/v1/reports/dropped-${attempt}`;
        socket.write(
          `PUT ${path} HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${TOKEN}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":"Dropped","columns":[',
        );
        const [arrived] = await debug.linesMatching((line) => line.msg === 'incoming request' && line.url === path);
        const reqId = String(arrived?.reqId);
        dropped.push(reqId);
        socket.destroy();
        const about = (line: Record<string, unknown>) =>
          line.reqId === reqId && (line.msg === 'connection closed before the request was complete' || Number(line.level) >= 40);
        [closed] = await debug.linesMatching(about, 1, 3_000).catch(() => [undefined]);
      }
      expect(closed).toMatchObject({ level: 30, reason: 'aborted' });
      const aboutThem = debug.lines.filter((line) => dropped.includes(String(line.reqId)));
      expect(aboutThem.filter((line) => Number(line.level) >= 40)).toEqual([]);
      expect(JSON.stringify(aboutThem)).not.toContain('stack');
    } finally {
      await debug.stop();
    }
  }, 40_000);

  it("replaces an oversized or odd x-request-id with one of its own, and keeps a caller's id", async () => {
    const huge = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(12_000) } });
    const replaced = huge.headers.get('x-request-id') ?? '';
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    const odd = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'id with spaces' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await fetch(`${api.url}/healthz`, { headers: { 'x-request-id': 'trace-42' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42');
    const [line] = await api.linesMatching((entry) => entry.msg === 'request completed' && entry.reqId === replaced);
    expect(line).toBeDefined();
    expect(JSON.stringify(api.lines)).not.toContain('x'.repeat(200));
  });
});
