import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const script = join(repoRoot, 'docker', 'healthcheck.mjs');
let status = 200;
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.writeHead(request.url === '/healthz' ? status : 404).end();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((closed) => server.close(closed)));

const healthcheck = (args: string[], env: Record<string, string> = {}) =>
  execCommand(['node', script, ...args], {
    app: 'healthcheck',
    step: 'healthcheck',
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
  });

describe('docker/healthcheck.mjs, the images’ HEALTHCHECK', () => {
  it('exits 0 when /healthz on the port in the named variable answers 200', async () => {
    status = 200;
    expect((await healthcheck(['METRICS_PORT', '1'], { METRICS_PORT: String(port) })).code).toBe(0);
  });

  it('falls back to the default port when the variable is unset, as the app does', async () => {
    status = 200;
    expect((await healthcheck(['METRICS_PORT', String(port)])).code).toBe(0);
  });

  it('exits 1 when /healthz answers 503 (a worker shutting down)', async () => {
    status = 503;
    const result = await healthcheck(['PORT', String(port)]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('answered 503');
  });

  it('exits 1 when nothing listens', async () => {
    const result = await healthcheck(['PORT', String(await freePort())]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('did not answer');
  });

  it('exits 2 with its usage when called without the port variable', async () => {
    const result = await healthcheck([]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('usage');
  });
});
