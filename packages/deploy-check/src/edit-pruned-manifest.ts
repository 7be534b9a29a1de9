import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from '@nightshift/workspace';
import { runCommand } from './run-command.js';

export interface PackageManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * Edits an app's package.json in a pruned workspace (both halves) and re-locks it offline, as a
 * developer who changed the manifest and ran `pnpm install` would commit it: manifest and lockfile agree.
 */
export async function editPrunedManifest(outDir: string, app: App, edit: (manifest: PackageManifest) => void): Promise<void> {
  for (const half of ['json', 'full']) {
    const path = join(outDir, half, 'apps', app.name, 'package.json');
    const manifest = JSON.parse(await readFile(path, 'utf8')) as PackageManifest;
    edit(manifest);
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  await runCommand(['pnpm', 'install', '--lockfile-only', '--offline'], {
    app: app.name,
    step: 'relock',
    cwd: join(outDir, 'json'),
  });
}
