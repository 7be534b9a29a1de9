import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local alert webhook that records the JSON bodies POSTed to it. */
export async function startWebhookRecorder() {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    bodies,
    /** Waits for requests still being received, so a count read afterwards is final. */
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
