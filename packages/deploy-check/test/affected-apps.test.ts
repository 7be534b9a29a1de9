import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand, runCommand } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const script = join(repoRoot, '.github', 'scripts', 'affected-apps.mjs');
const allApps = ['worker-email', 'worker-image', 'worker-pdf', 'api'];
let repo: string;

const git = (...args: string[]) =>
  runCommand(['git', '-c', 'user.name=deploy-check', '-c', 'user.email=deploy-check@localhost', ...args], {
    app: 'affected-apps',
    step: 'git',
    cwd: repo,
  });

/** Commits a one-line change to each file and returns the commit before it. */
async function commitChange(...files: string[]): Promise<string> {
  const base = (await git('rev-parse', 'HEAD')).trim();
  for (const file of files) await appendFile(join(repo, file), file.endsWith('.ts') ? '\n// changed\n' : '\n# changed\n');
  await git('commit', '--quiet', '--all', '--message', `change ${files.join(', ')}`);
  return base;
}

async function affectedApps(env: Record<string, string>) {
  const result = await execCommand(['node', script], {
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
      apps: ['worker-email', 'worker-image', 'worker-pdf'],
    });
  });

  it('selects one app when only its sources or its Dockerfile changed', async () => {
    let base = await commitChange('apps/worker-pdf/src/main.ts');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual(['worker-pdf']);
    base = await commitChange('docker/worker-image.Dockerfile');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual(['worker-image']);
  });

  it('selects none for a change no image contains, and all for one every image or deploy shares', async () => {
    let base = await commitChange('LICENSE');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual([]);
    base = await commitChange('docker/compose.yaml');
    expect((await affectedApps({ TURBO_SCM_BASE: base })).apps).toEqual(allApps);
  });

  it('selects every app, API last, when the commit before the push is unknown (a new branch)', async () => {
    expect((await affectedApps({ TURBO_SCM_BASE: '0000000000000000000000000000000000000000' })).apps).toEqual(allApps);
  });

  it('takes a manual list, and refuses an app that does not exist', async () => {
    expect((await affectedApps({ APPS: 'all' })).apps).toEqual(allApps);
    expect((await affectedApps({ APPS: 'api, worker-pdf' })).apps).toEqual(['worker-pdf', 'api']);
    const refused = await affectedApps({ APPS: 'worker-pdf,worker-fax' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('APPS names unknown apps: worker-fax');
  });
});
