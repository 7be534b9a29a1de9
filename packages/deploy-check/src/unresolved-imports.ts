import { execCommand } from './run-command.js';

/**
 * Runs in the deployed folder: finds every bare specifier the built code imports (statically or with
 * a literal `import()`) and asks Node's own ESM resolver for it from the importing file. Catches what
 * /healthz cannot: a module only loaded later (a worker thread, a lazy import) that the deploy left out.
 * A side-effect import starts a statement, so a string ending in "import" (an `--import` flag) is not one.
 */
const resolver = `
import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const patterns = [/\\b(?:import|export)\\s[^'"]*?\\bfrom\\s*['"]([^'"]+)['"]/g, /(?:^|[\\s;{}])import\\s*['"]([^'"]+)['"]/gm, /\\bimport\\(\\s*['"]([^'"]+)['"]\\s*\\)/g];
const bare = (s) => !/^(\\.|\\/|node:|data:|file:)/.test(s) && !builtinModules.includes(s.split('/')[0]);
const failures = [];
for (const entry of await readdir('dist', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\\.(m?js)$/.test(entry.name)) continue;
  const file = join(entry.parentPath ?? entry.path, entry.name);
  const source = await readFile(file, 'utf8');
  const specifiers = new Set(patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1])).filter(bare));
  for (const specifier of specifiers) {
    try { import.meta.resolve(specifier, pathToFileURL(file).href); } catch (error) { failures.push(file + ': ' + specifier + ' (' + error.code + ')'); }
  }
}
console.log(JSON.stringify(failures));
`;

export async function unresolvedImports(app: string, appDir: string, env: Record<string, string>): Promise<string[]> {
  const result = await execCommand(['node', '--experimental-import-meta-resolve', '--input-type=module', '--eval', resolver], {
    app,
    step: 'resolve imports',
    cwd: appDir,
    env,
  });
  const last = result.output.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !last.startsWith('['))
    throw new Error(`${app}: resolving the deployed imports failed:\n${result.output}`);
  return JSON.parse(last) as string[];
}
