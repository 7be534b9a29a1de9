import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '@nightshift/workspace';
import { runOrThrow } from './run.js';

export interface PublishablePackage {
  name: string;
  version: string;
  dir: string;
}

export interface PackedPackage extends PublishablePackage {
  tarball: string;
}

/** What other repositories install: every workspace package whose package.json is not `private`. */
export async function publishablePackages(): Promise<PublishablePackage[]> {
  const found: PublishablePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of await readdir(join(REPO_ROOT, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(REPO_ROOT, group, entry.name);
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        private?: boolean;
      };
      if (manifest.private !== true) found.push({ name: manifest.name, version: manifest.version, dir });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Builds the publishable packages (turbo, so a fresh build is a cache hit) and packs each into
 * `destination` with `pnpm pack`, which is what `pnpm publish` uploads: `publishConfig` applied,
 * `workspace:` versions replaced by real ones.
 */
export async function packPublishable(destination: string): Promise<PackedPackage[]> {
  const packages = await publishablePackages();
  const filters = packages.map((pkg) => `--filter=${pkg.name}`);
  await runOrThrow('pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], { cwd: REPO_ROOT });
  const packed: PackedPackage[] = [];
  for (const pkg of packages) {
    const output = await runOrThrow('pnpm', ['pack', '--pack-destination', destination, '--json'], { cwd: pkg.dir });
    const { filename } = JSON.parse(output.slice(output.indexOf('{'))) as { filename: string };
    packed.push({ ...pkg, tarball: resolve(destination, filename) });
  }
  return packed;
}
