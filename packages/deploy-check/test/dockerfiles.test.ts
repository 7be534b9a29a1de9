import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readApps } from '@nightshift/workspace';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOY_DIR, imageSteps, parseDockerfile, parseEnvFile, ROOT_BUILD_FILES, readImageSpec } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const readJson = async (path: string) => JSON.parse(await readFile(join(repoRoot, path), 'utf8'));
const example = new Map(
  parseEnvFile(await readFile(join(repoRoot, '.env.example'), 'utf8')).map((entry) => [entry.name, entry.value]),
);

describe('docker/Dockerfile, the one Dockerfile', () => {
  it('is the only one: every app’s image is built from it', async () => {
    const dockerfiles = (await readdir(join(repoRoot, 'docker'))).filter((file) => /dockerfile/i.test(file));
    expect(dockerfiles).toEqual(['Dockerfile']);
  });

  it('refuses to build without APP, saying how to set it', async () => {
    const text = await readFile(join(repoRoot, 'docker', 'Dockerfile'), 'utf8');
    expect(() => parseDockerfile(text)).toThrow(/APP: set --build-arg APP to a folder under apps\/, e\.g\. APP=worker-pdf/);
  });
});

describe.each(readApps())('docker/Dockerfile with APP=$name', (app) => {
  it('runs exactly the build steps the image check runs, in order, with the pinned pnpm and turbo', async () => {
    const spec = await readImageSpec(repoRoot, app);
    const runs = spec.instructions.filter((instruction) => instruction.keyword === 'RUN' && instruction.stage !== 'runtime');
    const catalog = parse(await readFile(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8')).catalog as Record<string, string>;
    const { packageManager } = await readJson('package.json');
    const steps = imageSteps(app);

    expect(runs.map(({ stage, args }) => `${stage}: ${args}`)).toEqual([
      `prune: npm install --global turbo@${catalog.turbo}`,
      `prune: ${steps.prune.join(' ')}`,
      `build: npm install --global ${packageManager}`,
      `build: ${steps.install.join(' ')}`,
      `build: ${steps.build.join(' ')}`,
      `build: ${steps.deploy.join(' ')}`,
    ]);
    expect(steps.prune).toContain(app.packageName);
    const copies = spec.instructions
      .filter((instruction) => instruction.keyword === 'COPY')
      .map(({ stage, args }) => `${stage}: ${args}`);
    expect(copies).toEqual([
      'prune: . .',
      'build: --from=prune /repo/out/json/ ./',
      'build: --from=prune /repo/out/full/ ./',
      ...ROOT_BUILD_FILES.map((file) => `build: ${file} ./`),
      `runtime: --from=build ${DEPLOY_DIR} ./`,
      'runtime: docker/healthcheck.mjs /usr/local/lib/nightshift/healthcheck.mjs',
    ]);
  });

  it('runs the start script as a non-root user under tini, on Debian, with a HEALTHCHECK on its /healthz port', async () => {
    const spec = await readImageSpec(repoRoot, app);
    const { main, scripts, exports } = await readJson(`apps/${app.name}/package.json`);
    const from = spec.instructions.filter((instruction) => instruction.keyword === 'FROM').map((instruction) => instruction.args);
    const nodeImage = spec.instructions.find((instruction) => instruction.keyword === 'ARG')?.args;

    // The Node.js of CI and local runs, pinned once in .node-version.
    const pinnedNode = (await readFile(join(repoRoot, '.node-version'), 'utf8')).trim();
    expect(nodeImage).toBe(`NODE_IMAGE=node:${pinnedNode}-bookworm-slim`);
    expect(from).toEqual(['prune', 'build', 'runtime'].map((stage) => `node:${pinnedNode}-bookworm-slim AS ${stage}`));
    // `node .` runs the package's main: the file its start script runs and its root export.
    expect(spec.cmd).toEqual(['node', '.']);
    expect(scripts.start).toBe(`node ${main}`);
    expect(exports['.'].default).toBe(`./${main}`);
    expect(spec.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(spec.user).toBe('node');
    expect(spec.workdir).toBe('/app');
    expect(spec.env.NODE_ENV).toBe('production');

    // The HEALTHCHECK reads the variable and default from the app's package.json, where the app reads its default too.
    expect(spec.healthcheck).toEqual(['node', '/usr/local/lib/nightshift/healthcheck.mjs', '/app/package.json']);
    const port = spec.env[app.healthPortVariable];
    expect(port).toMatch(/^[1-9]\d*$/);
    expect(spec.instructions.find((instruction) => instruction.keyword === 'EXPOSE')?.args.split(' ')).toContain(port);
    // compose loads .env.example over the image's ENV: it must keep the port the image exposes.
    expect(example.get(app.healthPortVariable)).toBe(port);
  });
});

it('the smoke test starts each image with the production stand-ins its app declares', async () => {
  const script = await readFile(join(repoRoot, 'docker', 'smoke-test.sh'), 'utf8');
  // What the script is given for each app is checked in @nightshift/workspace: the same reader, run the same way.
  expect(script).toContain('node scripts/lib/apps.mjs production-env "$app"');
  expect(script).toMatch(/docker run [^\n]*"\$\{required\[@\]\}"/);
});
