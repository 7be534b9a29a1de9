import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, readApps } from '../src/index.js';

/**
 * `pnpm new:queue` run for real against a copy of what it reads and edits, so the repository
 * itself is left alone. That its output typechecks, lints and passes its tests is shown by every
 * app it made (apps/worker-webhook was its first).
 */
let tree: string;

beforeAll(async () => {
  tree = await mkdtemp(join(tmpdir(), 'nightshift-new-queue-'));
  for (const path of ['package.json', 'turbo.json', 'biome.json', 'turbo', 'docker/compose.yaml', 'packages/contracts/src']) {
    await cp(join(REPO_ROOT, path), join(tree, path), { recursive: true });
  }
  for (const app of readApps()) {
    await mkdir(join(tree, 'apps', app.name), { recursive: true });
    await cp(join(app.dir, 'package.json'), join(tree, 'apps', app.name, 'package.json'));
  }
  await symlink(join(REPO_ROOT, 'node_modules'), join(tree, 'node_modules'));
  // A clone, as where the generator runs: biome reads the ignore file through git.
  await promisify(execFile)('git', ['init', '--quiet'], { cwd: tree });
});
afterAll(() => rm(tree, { recursive: true, force: true }));

/** The root script, as `pnpm new:queue <name>` runs it; resolves with its exit code and output either way. */
function newQueue(name: string): Promise<{ code: number; output: string }> {
  return promisify(execFile)('pnpm', ['--silent', 'new:queue', name], { cwd: tree, env: { ...process.env, CI: 'true' } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      output: (error.stdout ?? '') + (error.stderr ?? ''),
    }),
  );
}

const read = (path: string) => readFile(join(tree, path), 'utf8');

describe('pnpm new:queue', () => {
  it('writes the contract, its entry in the list of contracts, the worker app and its compose service', async () => {
    const { code, output } = await newQueue('sms-relay');
    expect(output).toContain('Success');
    expect(code).toBe(0);

    expect(await read('packages/contracts/src/sms-relay.ts')).toContain('export const smsRelayContract = defineContract({');
    expect(await read('packages/contracts/src/sms-relay.test.ts')).toContain("parseJobData('sms-relay', data)");
    const list = await read('packages/contracts/src/job-contracts.ts');
    expect(list).toContain("import { smsRelayContract } from './sms-relay.js';");
    expect(list).toContain("export * from './sms-relay.js';");
    expect(list).toMatch(/'sms-relay': smsRelayContract,\n\} as const satisfies/);

    const manifest = JSON.parse(await read('apps/worker-sms-relay/package.json'));
    const ports = readApps().flatMap((app) => (app.healthPortVariable === 'METRICS_PORT' ? [app.defaultPort] : []));
    expect(manifest).toMatchObject({
      name: '@nightshift/worker-sms-relay',
      nightshift: { queue: 'sms-relay', healthPortVariable: 'METRICS_PORT', defaultPort: Math.max(...ports) + 1 },
    });
    expect(await read('apps/worker-sms-relay/src/main.ts')).toContain("queue: 'sms-relay'");
    expect(await read('apps/worker-sms-relay/test/main.test.ts')).toContain("createQueue('sms-relay'");

    const compose = await read('docker/compose.yaml');
    expect(compose).toContain(
      [
        '  worker-sms-relay:',
        '    <<: *app',
        '    image: $-WORKER_SMS_RELAY_IMAGE:-nightshift-worker-sms-relay:local}',
        '    build:',
        '      <<: *build',
        '      args:',
        '        APP: worker-sms-relay',
        '',
        'volumes:',
        '  redis-data:',
      ]
        .join('\n')
        // Compose's own substitution, which a string here would read as a misspelt template literal.
        .replace('$-', '$' + '{'),
    );
  });

  it('refuses a queue that exists and a name that is not one, writing nothing', async () => {
    const before = await read('packages/contracts/src/job-contracts.ts');
    const again = await newQueue('sms-relay');
    expect(again.output).toContain('a contract for the sms-relay queue exists already');
    const bad = await newQueue('SMS_Relay');
    expect(bad.output).toContain('"SMS_Relay" is not a queue name');
    expect(await read('packages/contracts/src/job-contracts.ts')).toBe(before);
  });
});
