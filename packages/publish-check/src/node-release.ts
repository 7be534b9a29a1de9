import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { runOrThrow } from './run.js';

/**
 * The `node` binary of one Node.js release, fetched once from the npm registry (Node publishes its
 * Linux builds there as `node-linux-<arch>`, checked by npm against the registry's hash) into
 * ~/.cache/nightshift, as `scripts/lib/node.mjs` fetches the pinned one. That script runs before
 * anything is installed, so it cannot import this.
 */
export async function nodeRelease(version: string): Promise<string> {
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  if (process.platform !== 'linux' || !arch) throw new Error(`Node.js ${version} is fetched for Linux x64 and arm64 only`);
  const target = join(homedir(), '.cache', 'nightshift', `node-v${version}-linux-${arch}`);
  const binary = join(target, 'bin', 'node');
  if (existsSync(binary)) return binary;
  await mkdir(dirname(target), { recursive: true });
  const work = await mkdtemp(join(dirname(target), '.download-'));
  try {
    const packed = await runOrThrow('npm', ['pack', '--silent', `node-linux-${arch}@${version}`], { cwd: work });
    await runOrThrow('tar', ['xzf', packed.trim().split('\n').at(-1) ?? ''], { cwd: work });
    if (!existsSync(binary)) await rename(join(work, 'package'), target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return binary;
}
