import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const script = join(repoRoot, 'docker', 'healthcheck.mjs');
let status = 200;
let server: Server;
let port: number;
let dir: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    response.writeHead(request.url === '/healthz' ? status : 404).end();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  port = (server.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'nightshift-healthcheck-'));
});
afterAll(async () => {
  await new Promise((closed) => server.close(closed));
  await rm(dir, { recursive: true, force: true });
});

/** An app's package.json whose health port is read from `variable`, `defaultPort` when unset. */
async function packageJson(variable: string, defaultPort: number, file = 'package.json'): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, JSON.stringify({ name: '@nightshift/probe', nightshift: { healthPortVariable: variable, defaultPort } }));
  return path;
}

const healthcheck = (args: string[], env: Record<string, string> = {}) =>
  execCommand(['node', script, ...args], {
    app: 'healthcheck',
    step: 'healthcheck',
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
  });

describe('docker/healthcheck.mjs, the images’ HEALTHCHECK', () => {
  it('exits 0 when /healthz on the port in the variable the app’s package.json names answers 200', async () => {
    status = 200;
    const manifest = await packageJson('METRICS_PORT', 1);
    expect((await healthcheck([manifest], { METRICS_PORT: String(port) })).code).toBe(0);
  });

  it('falls back to the default port the package.json declares when the variable is unset or empty, as the app does', async () => {
    status = 200;
    const manifest = await packageJson('METRICS_PORT', port);
    expect((await healthcheck([manifest])).code).toBe(0);
    expect((await healthcheck([manifest], { METRICS_PORT: '' })).code).toBe(0);
  });

  it('exits 1 when /healthz answers 503 (a worker shutting down)', async () => {
    status = 503;
    const result = await healthcheck([await packageJson('PORT', port)]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('answered 503');
  });

  it('exits 1 when nothing listens', async () => {
    const result = await healthcheck([await packageJson('PORT', await freePort())]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('did not answer');
  });

  it('exits 2 with its usage without a package.json, and names one that declares no health port', async () => {
    const usage = await healthcheck([]);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('usage');

    const silent = join(dir, 'silent.json');
    await writeFile(silent, JSON.stringify({ name: '@nightshift/silent' }));
    const undeclared = await healthcheck([silent]);
    expect(undeclared.code).toBe(2);
    expect(undeclared.output).toContain(`${silent} declares no nightshift.healthPortVariable and nightshift.defaultPort`);

    const missing = await healthcheck([join(dir, 'missing.json')]);
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('ENOENT');
  });
});
