import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appImages, DEPLOY_DIR, imageSteps, ROOT_BUILD_FILES, readImageSpec } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const readJson = async (path: string) => JSON.parse(await readFile(join(repoRoot, path), 'utf8'));

it('every app under apps/ has an image', async () => {
  const apps = (await readdir(join(repoRoot, 'apps'), { withFileTypes: true })).filter((entry) => entry.isDirectory());
  expect(appImages.map((app) => app.name).sort()).toEqual(apps.map((entry) => entry.name).sort());
  const dockerfiles = (await readdir(join(repoRoot, 'docker'))).filter((file) => file.endsWith('.Dockerfile'));
  expect(dockerfiles.sort()).toEqual(appImages.map((app) => `${app.name}.Dockerfile`).sort());
});

describe.each(appImages)('docker/$name.Dockerfile', (app) => {
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
    const { scripts } = await readJson(`apps/${app.name}/package.json`);
    const from = spec.instructions.filter((instruction) => instruction.keyword === 'FROM').map((instruction) => instruction.args);
    const nodeImage = spec.instructions.find((instruction) => instruction.keyword === 'ARG')?.args;

    expect(from).toEqual(['prune', 'build', 'runtime'].map((stage) => `$\{NODE_IMAGE} AS ${stage}`));
    // The Node.js of CI and local runs, pinned once in .node-version.
    const pinnedNode = (await readFile(join(repoRoot, '.node-version'), 'utf8')).trim();
    expect(nodeImage).toBe(`NODE_IMAGE=node:${pinnedNode}-bookworm-slim`);
    expect(spec.cmd.join(' ')).toBe(scripts.start);
    expect(spec.entrypoint).toEqual(['/usr/bin/tini', '--']);
    expect(spec.user).toBe('node');
    expect(spec.workdir).toBe('/app');
    expect(spec.env.NODE_ENV).toBe('production');
    const port = spec.env[app.portVariable];
    expect(port).toMatch(/^[1-9]\d*$/);
    expect(spec.healthcheck).toEqual(['node', '/usr/local/lib/nightshift/healthcheck.mjs', app.portVariable, port]);
    expect(spec.instructions.find((instruction) => instruction.keyword === 'EXPOSE')?.args).toBe(port);
  });

  it('is started by the smoke test with everything the app requires in production', async () => {
    const script = await readFile(join(repoRoot, 'docker', 'smoke-test.sh'), 'utf8');
    const line = new RegExp(`^\\s*${app.name}\\) required=\\((.*)\\) ;;$`, 'm').exec(script)?.[1] ?? '';
    const names = [...line.matchAll(/-e "?([A-Z_]+)=/g)].map((match) => match[1]);
    expect(names.sort()).toEqual(Object.keys(app.requiredInProduction).sort());
  });
});
