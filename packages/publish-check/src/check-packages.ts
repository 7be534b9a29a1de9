/**
 * `pnpm packages:check`: packs every publishable package as `pnpm publish` would, then lints each
 * tarball with publint (strict: warnings fail too) and @arethetypeswrong/cli. The packages are ESM
 * only, so attw's `esm-only` profile leaves out `require` from CommonJS and node10 resolution,
 * which no supported Node or TypeScript setting needs for them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPublishable } from './publishable.js';
import { run } from './run.js';

const bin = (name: string) => join(import.meta.dirname, '..', 'node_modules', '.bin', name);
const destination = await mkdtemp(join(tmpdir(), 'nightshift-packages-'));
let failed = false;
try {
  for (const pkg of await packPublishable(destination)) {
    for (const [tool, args] of [
      ['publint', ['run', pkg.tarball, '--strict']],
      ['attw', [pkg.tarball, '--profile', 'esm-only', '--format', 'table-flipped']],
    ] as const) {
      const result = await run(bin(tool), args, { cwd: destination });
      console.log(`${pkg.name}@${pkg.version}: ${tool} ${result.code === 0 ? 'passed' : `FAILED (exit ${result.code})`}`);
      if (result.code !== 0) {
        console.log(result.output);
        failed = true;
      }
    }
  }
} finally {
  await rm(destination, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
