import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { waitFor } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, TOKEN } from './helpers.js';

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await startTestApp({ CONNECTION_IDLE_TIMEOUT_MS: '500', REQUEST_TIMEOUT_MS: '1500' });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(address).port);
});
afterAll(() => t.close());

/** An image upload over a raw socket: the headers promise a megabyte, the body starts with a PNG's first bytes. */
async function startUpload(): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.on('error', () => {}); // a reset is how the server closes it; 'close' follows
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.write(
    [
      'POST /v1/images HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${TOKEN}`,
      'Content-Type: image/png',
      `Content-Length: ${1024 * 1024}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(1024).fill(0)]));
  return { socket, received: () => received };
}

async function storedFiles(): Promise<string[]> {
  return readdir(t.storageDir, { recursive: true }).catch(() => []);
}

describe('request and connection timeouts', () => {
  it('closes the connection of an upload that stalls, after CONNECTION_IDLE_TIMEOUT_MS, and stores nothing', async () => {
    const started = performance.now();
    const { socket } = await startUpload();
    await once(socket, 'close');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
    // The handler sees the cut-off body and removes what it had begun to store.
    await waitFor(async () => (await storedFiles()).every((file) => !file.startsWith('images/')), {
      what: 'the partial upload to be removed',
    });
  });

  it('closes the connection of an upload that trickles in for longer than REQUEST_TIMEOUT_MS, though never idle', async () => {
    const started = performance.now();
    const { socket, received } = await startUpload();
    const trickle = setInterval(() => socket.write(Buffer.alloc(1)), 100);
    try {
      await once(socket, 'close');
    } finally {
      clearInterval(trickle);
    }
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(10_000);
    expect(received()).toBe('');
  });
});
