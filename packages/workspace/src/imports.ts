import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { REPO_ROOT } from './apps.js';

/** A package of the pnpm workspace and the subpaths its package.json exports (none without `exports`). */
export interface WorkspacePackage {
  name: string;
  dir: string;
  exports: string[];
}

/** An import that reaches into another package other than through its name and its exports. */
export interface ImportViolation {
  /** The importing file, relative to the repository. */
  file: string;
  specifier: string;
  problem: string;
}

const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx)$/;
const NOT_SOURCES = new Set(['node_modules', 'dist', '.git', '.turbo', '.data', 'coverage']);
const SPECIFIER_PATTERNS = [
  // Statements, so at the start of a line (a sample source in a string is not one):
  // import x from '…', import type { X } from '…', export { x } from '…', export * from '…'
  /^\s*(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  // import '…'
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  // Expressions, anywhere: import('…'), import.meta.resolve('…')
  /\bimport(?:\.meta\.resolve)?\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/**
 * The module specifiers a JavaScript or TypeScript source imports, re-exports or resolves, statically
 * or with a literal `import()`. A computed `import()` names no module until it runs, so it is not seen.
 */
export function importSpecifiers(source: string): string[] {
  const found = SPECIFIER_PATTERNS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ''));
  return [...new Set(found)].filter(Boolean);
}

/** The packages of the workspace: each folder with a package.json under the globs of pnpm-workspace.yaml. */
export function workspacePackages(root: string = REPO_ROOT): WorkspacePackage[] {
  const workspace = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const folders = [...workspace.matchAll(/^\s+-\s+["']?([\w.-]+)\/\*["']?\s*$/gm)].map((match) => match[1] ?? '');
  return folders.flatMap((folder) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, folder, entry.name, 'package.json')))
      .map((entry) => {
        const dir = join(root, folder, entry.name);
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; exports?: unknown };
        return { name: manifest.name, dir, exports: exportedSubpaths(manifest.exports) };
      }),
  );
}

/**
 * Every import in the repository that reaches into a package from outside it other than by its name
 * and one of its exports: a relative path into another package's folder, or `@nightshift/<name>/<subpath>`
 * where the subpath is not exported. Files outside every package (scripts, root configuration) are
 * checked the same way; imports of those root files are not, since they belong to no package.
 * A test, not a biome rule: `noRestrictedImports` matches the specifier alone, and whether `../../x`
 * leaves the importing package depends on where the importing file sits.
 */
export function importViolations(root: string = REPO_ROOT): ImportViolation[] {
  const packages = workspacePackages(root);
  const owner = (path: string) => packages.find((candidate) => path === candidate.dir || path.startsWith(candidate.dir + sep));
  const violations: ImportViolation[] = [];
  for (const file of sourceFiles(root)) {
    const importer = owner(file);
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      let problem: string | undefined;
      if (specifier.startsWith('.')) {
        const target = owner(resolve(dirname(file), specifier));
        if (target && target !== importer) {
          problem = `reaches into ${target.name} by path; import it by name, through its exports (${describeExports(target)})`;
        }
      } else if (specifier.startsWith('@nightshift/')) {
        problem = packageImportProblem(specifier, packages);
      }
      if (problem) violations.push({ file: relative(root, file), specifier, problem });
    }
  }
  return violations;
}

function packageImportProblem(specifier: string, packages: readonly WorkspacePackage[]): string | undefined {
  const [scope, name, ...rest] = specifier.split('/');
  const packageName = `${scope}/${name}`;
  const target = packages.find((candidate) => candidate.name === packageName);
  if (!target) return `no package of the workspace is named ${packageName}`;
  const subpath = rest.length === 0 ? '.' : `./${rest.join('/')}`;
  if (target.exports.some((exported) => matchesExport(exported, subpath))) return undefined;
  return `${subpath} is not an export of ${packageName} (${describeExports(target)})`;
}

function exportedSubpaths(exports: unknown): string[] {
  if (exports === undefined || exports === null) return [];
  if (typeof exports === 'string' || Array.isArray(exports)) return ['.'];
  const keys = Object.keys(exports);
  // Conditions alone (`{ "import": …, "default": … }`) export the package's root.
  return keys.every((key) => key.startsWith('.')) ? keys : ['.'];
}

/** `./x` matches the key `./x`; a key with `*` matches what the star stands for. */
function matchesExport(key: string, subpath: string): boolean {
  const star = key.indexOf('*');
  if (star < 0) return key === subpath;
  const [before, after] = [key.slice(0, star), key.slice(star + 1)];
  return subpath.length > key.length - 1 && subpath.startsWith(before) && subpath.endsWith(after);
}

function describeExports(target: WorkspacePackage): string {
  return target.exports.length === 0 ? 'it exports nothing' : `exports: ${target.exports.join(', ')}`;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.isFile() && SOURCE_FILE.test(entry.name)) yield path;
  }
}
