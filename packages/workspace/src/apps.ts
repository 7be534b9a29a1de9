import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppManifest, AppManifestError, readAppManifest } from '@nightshift/config';

/** The repository this package belongs to: three levels above this file, from `src/` or `dist/`. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** An app the repository ships as its own image, as its package.json declares it. */
export interface App extends AppManifest {
  /** Its folder under `apps/`: the compose service, the image's `APP` build argument and the deploy's name. */
  name: string;
  /** Always `@nightshift/<name>`: the image builds the package of that name. */
  packageName: string;
  /** Its folder, absolute. */
  dir: string;
}

/**
 * Every app under `apps/` (each folder with a package.json), by name, with what the `nightshift`
 * block of its package.json declares. A missing or bad declaration is an error naming the file and field.
 */
export function readApps(root: string = REPO_ROOT): App[] {
  const appsDir = join(root, 'apps');
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(appsDir, entry.name, 'package.json')))
    .map((entry) => readApp(join(appsDir, entry.name), entry.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The app of that name; an unknown name is an error that lists the apps there are. */
export function appNamed(name: string, apps: readonly App[] = readApps()): App {
  const app = apps.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`no app named ${name} (apps: ${apps.map((candidate) => candidate.name).join(', ')})`);
  return app;
}

function readApp(dir: string, name: string): App {
  const file = join(dir, 'package.json');
  const manifest = readAppManifest(file);
  const packageName = (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name;
  if (packageName !== `@nightshift/${name}`) {
    throw new AppManifestError(
      `${file}: the package is named ${String(packageName)}, but the app in apps/${name} must be @nightshift/${name}, the package the image builds`,
    );
  }
  return { name, packageName, dir, ...manifest };
}
