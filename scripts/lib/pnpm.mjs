// Runs pnpm at the version packageManager pins, fetching it through npx when the machine has another or none.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function pinnedPnpm(root) {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = packageManager.replace(/^pnpm@/, '');
  const installed = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  const command = installed.status === 0 && installed.stdout.trim() === version ? ['pnpm'] : ['npx', '--yes', `pnpm@${version}`];
  return { version, command };
}

/** Runs a command to completion with inherited output; rejects with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(Object.assign(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}`), { exitCode: code ?? 1 })),
    );
  });
}

export function pnpm(root, args, options = {}) {
  const [command, ...prefix] = pinnedPnpm(root).command;
  return run(command, [...prefix, ...args], { cwd: root, ...options });
}
