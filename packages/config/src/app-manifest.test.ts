import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppManifestError, healthPortFromManifest, parseEnv, readAppManifest } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nightshift-app-manifest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function packageJson(name: string, nightshift?: unknown): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ name: `@nightshift/${name}`, nightshift }));
  return file;
}

const worker = { queue: 'pdf', healthPortVariable: 'METRICS_PORT', defaultPort: 9102, requiredInProduction: {} };

describe('readAppManifest', () => {
  it('reads the nightshift block of an app’s package.json', async () => {
    expect(readAppManifest(await packageJson('worker', worker))).toEqual(worker);
  });

  it('names the file and every bad field', async () => {
    const file = await packageJson('bad', {
      queue: 'fax',
      healthPortVariable: 'HEALTH_PORT',
      defaultPort: 70_000,
      requiredInProduction: { api_token: '', SECRET: '' },
      replicas: 2,
    });
    const error = (() => {
      try {
        readAppManifest(file);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppManifestError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    for (const field of [
      'nightshift.queue',
      'nightshift.healthPortVariable',
      'nightshift.defaultPort',
      'nightshift.requiredInProduction.api_token',
      'nightshift.requiredInProduction.SECRET needs a stand-in value',
      'replicas',
    ]) {
      expect(message).toContain(field);
    }
  });

  it('says what is missing when a package.json declares nothing', async () => {
    const file = await packageJson('silent');
    expect(() => readAppManifest(file)).toThrow(`${file} has no "nightshift" block`);
  });
});

describe('healthPortFromManifest', () => {
  it('defaults the app’s health port variable to its declared port', async () => {
    const schema = z.object({ METRICS_PORT: healthPortFromManifest(await packageJson('worker', worker), 'METRICS_PORT') });
    expect(parseEnv(schema, {}).METRICS_PORT).toBe(9102);
    expect(parseEnv(schema, { METRICS_PORT: '9200' }).METRICS_PORT).toBe(9200);
  });

  it('refuses a manifest that names another variable than the one the app reads', async () => {
    const file = await packageJson('worker', worker);
    expect(() => healthPortFromManifest(file, 'PORT')).toThrow(
      `${file}: nightshift.healthPortVariable is METRICS_PORT, but the app reads its health port from PORT`,
    );
  });
});
