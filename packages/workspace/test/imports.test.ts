import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importSpecifiers, importViolations, readApps, workspacePackages } from '../src/index.js';

/**
 * The sample sources below quote their specifiers with § instead of ', turned back before use:
 * written as they are, the scan of this repository would take them for this file's own imports.
 */
const quoted = (source: string) => source.replaceAll('§', "'");

describe('the repository’s imports', () => {
  it('reach into no package but through its name and exports', () => {
    expect(importViolations()).toEqual([]);
  });

  it('reach apps through exports too: every app declares its own, its entry at the root', () => {
    const packages = workspacePackages();
    for (const app of readApps()) {
      expect(packages.find((candidate) => candidate.name === app.packageName)?.exports, app.name).toContain('.');
    }
  });
});

describe('importViolations, on a workspace of its own', () => {
  let root: string;
  const files: Record<string, string> = {
    'pnpm-workspace.yaml': 'packages:\n  - apps/*\n  - packages/*\n',
    'vitest.shared.ts': 'export default {};',
    'packages/lib/package.json': JSON.stringify({
      name: '@nightshift/lib',
      exports: { '.': './src/index.ts', './thing': './src/thing.ts' },
    }),
    'packages/lib/src/index.ts': 'export * from §./thing.js§;',
    'packages/lib/src/thing.ts': 'export const thing = 1;',
    'packages/tool/package.json': JSON.stringify({ name: '@nightshift/tool' }),
    'apps/app/package.json': JSON.stringify({ name: '@nightshift/app', exports: { './helpers/*': './src/helpers/*.ts' } }),
    'apps/app/src/main.ts': [
      'import { thing } from §@nightshift/lib§;',
      'import { thing as same } from §@nightshift/lib/thing§;',
      'import { helper } from §./helpers/one.js§;',
      'import { fixture } from §../test/fixture.js§;',
      'import config from §../../../vitest.shared.js§;',
      'import { deep } from §../../../packages/lib/src/thing.js§;',
      'import type { Thing } from §@nightshift/lib/src/thing.js§;',
      'const lazy = () => import(§@nightshift/tool/src/run.js§);',
    ].join('\n'),
    'apps/app/src/helpers/one.ts': 'export const helper = import.meta.resolve(§@nightshift/app/helpers/two§);',
    'apps/app/test/fixture.ts': 'export const fixture = 1;',
    'scripts/run.mjs': 'import { thing } from §../packages/lib/src/index.ts§;\nimport { missing } from §@nightshift/gone§;',
    'apps/app/node_modules/@nightshift/lib/src/ignored.ts': 'import §../../../../../packages/lib/src/thing.js§;',
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'nightshift-imports-'));
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, file)), { recursive: true });
      await writeFile(join(root, file), quoted(text));
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('names each file, specifier and what is wrong, and nothing else', () => {
    const found = importViolations(root).sort((a, b) => `${a.file} ${a.specifier}`.localeCompare(`${b.file} ${b.specifier}`));
    expect(found).toEqual([
      {
        file: 'apps/app/src/main.ts',
        specifier: '../../../packages/lib/src/thing.js',
        problem: 'reaches into @nightshift/lib by path; import it by name, through its exports (exports: ., ./thing)',
      },
      {
        file: 'apps/app/src/main.ts',
        specifier: '@nightshift/lib/src/thing.js',
        problem: './src/thing.js is not an export of @nightshift/lib (exports: ., ./thing)',
      },
      {
        file: 'apps/app/src/main.ts',
        specifier: '@nightshift/tool/src/run.js',
        problem: './src/run.js is not an export of @nightshift/tool (it exports nothing)',
      },
      {
        file: 'scripts/run.mjs',
        specifier: '../packages/lib/src/index.ts',
        problem: 'reaches into @nightshift/lib by path; import it by name, through its exports (exports: ., ./thing)',
      },
      {
        file: 'scripts/run.mjs',
        specifier: '@nightshift/gone',
        problem: 'no package of the workspace is named @nightshift/gone',
      },
    ]);
  });
});

describe('importSpecifiers', () => {
  it('finds static, re-exported, side-effect, dynamic and resolved specifiers, over several lines, and no statement held in a string', () => {
    const source = [
      'import {',
      '  a,',
      '  type B,',
      '} from §./a.js§;',
      'import type { C } from §@nightshift/c§;',
      'export * from §./d.js§;',
      'export { e } from §./e.js§;',
      'import §./side-effect.js§;',
      'const f = await import(§./f.js§);',
      'const g = import.meta.resolve(§@nightshift/g§);',
      'const h = await import(computed);',
      'const sample = "import { j } from \'@nightshift/j\';";',
      'const i = §from ./not-an-import§;',
    ].join('\n');
    expect(importSpecifiers(quoted(source)).sort()).toEqual(
      ['./a.js', '@nightshift/c', './d.js', './e.js', './side-effect.js', './f.js', '@nightshift/g'].sort(),
    );
  });
});
