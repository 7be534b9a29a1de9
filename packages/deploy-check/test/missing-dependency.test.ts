import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { appNamed } from '@nightshift/workspace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkAppImage, deleteKeysWithPrefix, editPrunedManifest, ImageStepError } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
// Every worker's main.ts imports its runtime, so this dependency is one the app itself must declare.
const app = appNamed('worker-image');
const dependency = '@nightshift/worker-runtime';
const cleanups: (() => Promise<unknown>)[] = [];
let turboCacheDir: string;

beforeAll(async () => {
  turboCacheDir = await mkdtemp(join(tmpdir(), 'nightshift-missing-dep-turbo-cache-'));
});
afterAll(() => rm(turboCacheDir, { recursive: true, force: true }));
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Runs the image check on a repository where worker-image's package.json was edited (and re-locked). */
async function checkWithManifest(edit: Parameters<typeof editPrunedManifest>[2]) {
  const workDir = await mkdtemp(join(tmpdir(), 'nightshift-missing-dep-'));
  const queuePrefix = uniquePrefix('missing-dep');
  cleanups.push(
    () => rm(workDir, { recursive: true, force: true }),
    () => deleteKeysWithPrefix(SHARED_REDIS_URL, queuePrefix),
  );
  return checkAppImage({
    repoRoot,
    app,
    workDir,
    turboCacheDir,
    redisUrl: SHARED_REDIS_URL,
    queuePrefix,
    afterPrune: (outDir) => editPrunedManifest(outDir, app, edit),
  });
}

describe('a dependency missing from an app’s own package.json fails the image check', () => {
  it('listed only as a devDependency: build and tests pass, the production deploy leaves it out and the app cannot start', async () => {
    const failure = await checkWithManifest((manifest) => {
      const version = manifest.dependencies?.[dependency];
      expect(version, `${dependency} should be a dependency of ${app.name}`).toBeDefined();
      delete manifest.dependencies?.[dependency];
      manifest.devDependencies = { ...manifest.devDependencies, [dependency]: version ?? 'workspace:*' };
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ImageStepError);
    expect((failure as ImageStepError).step).toBe('start');
    expect((failure as ImageStepError).output).toMatch(/ERR_MODULE_NOT_FOUND/);
    expect((failure as ImageStepError).output).toContain(`Cannot find package '${dependency}'`);
  }, 240_000);

  it('not listed at all: the build stage fails to compile the import', async () => {
    const failure = await checkWithManifest((manifest) => {
      delete manifest.dependencies?.[dependency];
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ImageStepError);
    expect((failure as ImageStepError).step).toBe('build');
    expect((failure as ImageStepError).output).toContain(`Cannot find module '${dependency}'`);
  }, 240_000);
});
