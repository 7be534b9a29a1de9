import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@nightshift/workspace';
import { afterAll, expect, it } from 'vitest';
import { publishablePackages } from '../src/publishable.js';
import { runOrThrow } from '../src/run.js';

let scratch: string | undefined;
afterAll(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));

const manifest = async (dir: string) => JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));

it('the version step bumps what a changeset names, its dependents, and writes their CHANGELOG.md; private packages stay', async () => {
  // The repository's changesets configuration over copies of its manifests, so the real ones stay as they are.
  scratch = await mkdtemp(join(tmpdir(), 'nightshift-release-'));
  await cp(join(REPO_ROOT, '.changeset', 'config.json'), join(scratch, '.changeset', 'config.json'));
  for (const file of ['package.json', 'pnpm-workspace.yaml']) await cp(join(REPO_ROOT, file), join(scratch, file));
  const copied = [...(await publishablePackages()).map((pkg) => pkg.dir), join(REPO_ROOT, 'packages', 'contracts-check')];
  for (const dir of copied) {
    const target = join(scratch, 'packages', dir.split('/').at(-1) ?? '');
    await mkdir(target, { recursive: true });
    await cp(join(dir, 'package.json'), join(target, 'package.json'));
  }
  const before = await manifest(join(scratch, 'packages', 'contracts'));
  await writeFile(
    join(scratch, '.changeset', 'invoice-reminder.md'),
    "---\n'@nightshift/contracts': minor\n---\n\nThe invoice email takes an optional `reminderOf` invoice number.\n",
  );

  await runOrThrow(join(REPO_ROOT, 'node_modules', '.bin', 'changeset'), ['version'], { cwd: scratch });

  const contracts = join(scratch, 'packages', 'contracts');
  const jobs = join(scratch, 'packages', 'jobs');
  const [major = 0, minor = 0] = String(before.version).split('.').map(Number);
  expect((await manifest(contracts)).version).toBe(`${major}.${minor + 1}.0`);
  expect(await readFile(join(contracts, 'CHANGELOG.md'), 'utf8')).toContain(
    'The invoice email takes an optional `reminderOf` invoice number.',
  );
  // jobs depends on contracts: patched, with a CHANGELOG.md that says why, its range still the workspace's.
  const jobsManifest = await manifest(jobs);
  expect(jobsManifest.version).not.toBe((await manifest(join(REPO_ROOT, 'packages', 'jobs'))).version);
  expect(jobsManifest.dependencies['@nightshift/contracts']).toBe('workspace:^');
  expect(await readFile(join(jobs, 'CHANGELOG.md'), 'utf8')).toContain('Updated dependencies');
  expect((await manifest(join(scratch, 'packages', 'contracts-check'))).version).toBe(
    (await manifest(join(REPO_ROOT, 'packages', 'contracts-check'))).version,
  );
  expect(await readdir(join(scratch, '.changeset'))).toEqual(['config.json']);
});
