import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { readApps } from '@nightshift/workspace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkAppImage, deleteKeysWithPrefix } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const cleanups: (() => Promise<unknown>)[] = [];
let turboCacheDir: string;

beforeAll(async () => {
  turboCacheDir = await mkdtemp(join(tmpdir(), 'nightshift-image-turbo-cache-'));
});
afterAll(() => rm(turboCacheDir, { recursive: true, force: true }));
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(readApps())('the $name image, built as the Dockerfile builds it with APP=$name', (app) => {
  it('starts from its deployed folder alone, resolves every import its dist makes, consumes the queue it declares, answers /healthz and its HEALTHCHECK, and exits 0 on SIGTERM', async () => {
    const workDir = await mkdtemp(join(tmpdir(), `nightshift-image-${app.name}-`));
    const queuePrefix = uniquePrefix(`image-${app.name}`);
    cleanups.push(
      () => rm(workDir, { recursive: true, force: true }),
      () => deleteKeysWithPrefix(SHARED_REDIS_URL, queuePrefix),
    );

    const check = await checkAppImage({ repoRoot, app, workDir, turboCacheDir, redisUrl: SHARED_REDIS_URL, queuePrefix });
    console.info(`${app.name} image steps (ms): ${JSON.stringify(check.timings)}`);

    expect(check.unresolvedImports).toEqual([]);
    expect(check.healthStatus).toBe(200);
    expect(check.healthcheckExit, check.output).toBe(0);
    expect(check.exit, check.output).toEqual({ code: 0, signal: null });
    // A worker names its queue when it starts: the one its package.json declares, which deploys order by.
    const started = check.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; queue?: string })
      .find((line) => line.msg === 'worker started');
    expect(started?.queue, check.output).toBe(app.queue);
  }, 240_000);
});
