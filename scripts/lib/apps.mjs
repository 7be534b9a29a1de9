// The apps the repository ships, for the plain scripts that run before anything is installed
// (`npm start`, the deploy workflow, the image smoke test): every folder under apps/ with a
// package.json, and what the "nightshift" block of that package.json declares. The test suites
// read the same blocks through @nightshift/workspace, which checks them with their zod schema
// and holds this reader to the same answer.
//   node scripts/lib/apps.mjs                         every app, as JSON
//   node scripts/lib/apps.mjs production-env <app>    NAME=value lines: the stand-ins it needs to start in production
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @returns {{ name: string, packageName: string, queue?: string, healthPortVariable: string, defaultPort: number, requiredInProduction: Record<string, string> }[]} */
export function listApps(root = repoRoot) {
  const appsDir = join(root, 'apps');
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(appsDir, entry.name, 'package.json')))
    .map((entry) => {
      const file = join(appsDir, entry.name, 'package.json');
      const { name: packageName, nightshift } = JSON.parse(readFileSync(file, 'utf8'));
      if (!nightshift)
        throw new Error(
          `${file} has no "nightshift" block: every app declares its queue, health port and production needs there`,
        );
      return { name: entry.name, packageName, ...nightshift };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function appNamed(name, apps = listApps()) {
  const app = apps.find((candidate) => candidate.name === name);
  if (!app) throw new Error(`no app named ${name} (apps: ${apps.map((candidate) => candidate.name).join(', ')})`);
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, name] = process.argv.slice(2);
  try {
    if (command === undefined) {
      console.log(JSON.stringify(listApps(), null, 2));
    } else if (command === 'production-env' && name) {
      for (const [variable, value] of Object.entries(appNamed(name).requiredInProduction)) console.log(`${variable}=${value}`);
    } else {
      throw new Error('usage: node scripts/lib/apps.mjs [production-env <app>]');
    }
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
