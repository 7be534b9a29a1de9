import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readApps } from '@nightshift/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand, runCommand } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const apps = readApps();
/** Workers (apps with a queue) first, by name, then the producers: the order deploys roll out in. */
const workers = apps.filter((app) => app.queue).map((app) => app.name);
const producers = apps.filter((app) => !app.queue).map((app) => app.name);
const allApps = [...workers, ...producers];
let repo: string;

const git = (...args: string[]) =>
  runCommand(['git', '-c', 'user.name=deploy-check', '-c', 'user.email=deploy-check@localhost', ...args], {
    app: 'affected-apps',
    step: 'git',
    cwd: repo,
  });

/** Commits a change to each file (a comment line; a new description in JSON) and returns the commit before it. */
async function commitChange(...files: string[]): Promise<string> {
  const base = (await git('rev-parse', 'HEAD')).trim();
  for (const file of files) {
    const path = join(repo, file);
    if (file.endsWith('.json')) {
      const json = JSON.parse(await readFile(path, 'utf8'));
      await writeFile(path, JSON.stringify({ ...json, description: `${json.description} (changed)` }, null, 2));
    } else {
      await appendFile(path, file.endsWith('.ts') ? '\n// changed\n' : '\n# changed\n');
    }
  }
  await git('commit', '--quiet', '--all', '--message', `change ${files.join(', ')}`);
  return base;
}

async function affectedApps(env: Record<string, string>) {
  // The copy's own script: it reads the apps of the repository it is in.
  const result = await execCommand(['node', join(repo, '.github', 'scripts', 'affected-apps.mjs')], {
    app: 'affected-apps',
    step: 'run',
    cwd: repo,
    env: { PATH: `${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? repo, ...env },
  });
  const line = /^apps=(.*)$/m.exec(result.output)?.[1];
  return { code: result.code, output: result.output, apps: line ? (JSON.parse(line) as string[]) : undefined };
}

beforeAll(async () => {
  // A repository of the current tree (committed or not) with a history of its own to compare against.
  repo = await mkdtemp(join(tmpdir(), 'nightshift-affected-'));
  const skipped = new Set(['node_modules', '.git', 'dist', '.turbo', '.data', 'coverage']);
  await cp(repoRoot, repo, { recursive: true, filter: (source) => !skipped.has(basename(source)) });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'base');
}, 60_000);
afterAll(() => rm(repo, { recursive: true, force: true }));

describe('.github/scripts/affected-apps.mjs, the deploy matrix', () => {
  it('selects the apps that depend on a changed package, and not the others', async () => {
    const base = await commitChange('packages/worker-runtime/src/index.ts');
    expect(await affectedApps({ TURBO_SCM_BASE: base })).toMatchObject({
      code: 0,
      // Every worker runs on the shared worker runtime; the API does not.
      apps: workers,
    });
  });

  it('selects one app when only its sources or its package.json changed', async () => {
    let base = await commitChange('apps/worker-pdf/src/main.ts');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual(['worker-pdf']);
    base = await commitChange('apps/worker-image/package.json');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual(['worker-image']);
  });

  it('selects none for a change no image contains, and all for one every image or deploy shares', async () => {
    let base = await commitChange('LICENSE');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual([]);
    for (const shared of ['docker/compose.yaml', 'docker/Dockerfile']) {
      base = await commitChange(shared);
      expect((await affectedApps({ TURBO_SCM_BASE: base })).apps, shared).toEqual(allApps);
    }
  });

  it('selects every app, API last, when the commit before the push is unknown (a new branch)', async () => {
    expect((await affectedApps({ TURBO_SCM_BASE: '0000000000000000000000000000000000000000' })).apps).toEqual(allApps);
  });

  it('deploys a new app as soon as its folder declares it, a worker before the API', async () => {
    const manifest = JSON.parse(await readFile(join(repo, 'apps', 'worker-pdf', 'package.json'), 'utf8'));
    await mkdir(join(repo, 'apps', 'worker-fax'));
    await writeFile(
      join(repo, 'apps', 'worker-fax', 'package.json'),
      JSON.stringify({ ...manifest, name: '@nightshift/worker-fax', nightshift: { ...manifest.nightshift, defaultPort: 9109 } }),
    );
    try {
      expect((await affectedApps({ APPS: 'all' })).apps).toEqual([...[...workers, 'worker-fax'].sort(), ...producers]);
      expect((await affectedApps({ APPS: 'worker-fax' })).apps).toEqual(['worker-fax']);
    } finally {
      await rm(join(repo, 'apps', 'worker-fax'), { recursive: true, force: true });
    }
  });

  it('takes a manual list, and refuses an app that does not exist', async () => {
    expect((await affectedApps({ APPS: 'all' })).apps).toEqual(allApps);
    expect((await affectedApps({ APPS: 'api, worker-pdf' })).apps).toEqual(['worker-pdf', 'api']);
    const refused = await affectedApps({ APPS: 'worker-pdf,worker-fax' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('APPS names unknown apps: worker-fax');
  });
});
