import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { appNamed, REPO_ROOT, readApps } from '../src/index.js';

const run = promisify(execFile);
/** The plain reader the scripts use (`npm start`, the deploy workflow, the smoke test), run as they run it. */
const plainReader = (...args: string[]) =>
  run(process.execPath, [join(REPO_ROOT, 'scripts', 'lib', 'apps.mjs'), ...args], { cwd: REPO_ROOT }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const temporary: string[] = [];
afterAll(() => Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('readApps', () => {
  it('finds every app under apps/, each declared in its own package.json', async () => {
    const folders = (await readdir(join(REPO_ROOT, 'apps'), { withFileTypes: true })).filter((entry) => entry.isDirectory());
    const apps = readApps();
    expect(apps.map((app) => app.name)).toEqual(folders.map((entry) => entry.name).sort());
    for (const app of apps) {
      expect(app.packageName).toBe(`@nightshift/${app.name}`);
      expect(app.dir).toBe(join(REPO_ROOT, 'apps', app.name));
    }
    expect(apps.filter((app) => app.queue === undefined).map((app) => app.name)).toEqual(['api']);
  });

  it('agrees with the plain reader of the scripts, field for field', async () => {
    const { stdout } = await plainReader();
    expect(JSON.parse(stdout)).toEqual(readApps().map(({ dir: _, ...app }) => app));
  });

  it('gives the smoke test each app’s production stand-ins, and refuses an app that does not exist', async () => {
    for (const app of readApps()) {
      const { stdout } = await plainReader('production-env', app.name);
      const lines = stdout.split('\n').filter(Boolean);
      expect(
        Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])),
      ).toEqual(app.requiredInProduction);
    }
    const refusal = `no app named worker-fax (apps: ${readApps()
      .map((app) => app.name)
      .join(', ')})`;
    const refused = await plainReader('production-env', 'worker-fax');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(refusal);
    expect(() => appNamed('worker-fax')).toThrow(refusal);
  });

  it('refuses an app whose package is not @nightshift/<its folder>, which the image could not build', async () => {
    const root = await mkdtemp(join(tmpdir(), 'nightshift-apps-'));
    temporary.push(root);
    await mkdir(join(root, 'apps', 'worker-fax'), { recursive: true });
    const nightshift = { queue: 'email', healthPortVariable: 'METRICS_PORT', defaultPort: 9109, requiredInProduction: {} };
    await writeFile(join(root, 'apps', 'worker-fax', 'package.json'), JSON.stringify({ name: '@acme/fax', nightshift }));
    expect(() => readApps(root)).toThrow(
      'the package is named @acme/fax, but the app in apps/worker-fax must be @nightshift/worker-fax, the package the image builds',
    );
  });

  it('refuses a folder under apps/ that declares nothing, and ignores one without a package.json', async () => {
    const root = await mkdtemp(join(tmpdir(), 'nightshift-apps-'));
    temporary.push(root);
    await mkdir(join(root, 'apps', 'leftover', 'node_modules'), { recursive: true });
    expect(readApps(root)).toEqual([]);
    await mkdir(join(root, 'apps', 'worker-fax'));
    await writeFile(join(root, 'apps', 'worker-fax', 'package.json'), JSON.stringify({ name: '@nightshift/worker-fax' }));
    expect(() => readApps(root)).toThrow(`${join(root, 'apps', 'worker-fax', 'package.json')} has no "nightshift" block`);
  });
});
