import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { unresolvedImports } from '../src/index.js';

let appDir: string;

beforeAll(async () => {
  appDir = await mkdtemp(join(tmpdir(), 'nightshift-resolve-'));
  const files: Record<string, string> = {
    'package.json': '{"type":"module"}',
    'node_modules/present/package.json': '{"name":"present","type":"module","exports":{".":{"import":"./index.js"}}}',
    'node_modules/present/index.js': 'export const value = 1;',
    'dist/main.js': [
      "import { readFile } from 'node:fs/promises';",
      "import path from 'path';",
      "import { value } from 'present';",
      "export { helper } from './helper.js';",
      "export const later = () => import('only-in-dev');",
      "export const threadArgs = ['--import', import.meta.resolve('./thread.js')];",
    ].join('\n'),
    'dist/helper.js': "import 'missing-side-effect';\nexport const helper = 1;",
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(appDir, file, '..'), { recursive: true });
    await writeFile(join(appDir, file), text);
  }
});
afterAll(() => rm(appDir, { recursive: true, force: true }));

it('names each bare import of the built code that does not resolve, lazy ones included, and nothing else', async () => {
  const unresolved = await unresolvedImports('fixture', appDir, { PATH: process.env.PATH ?? '' });
  expect(unresolved.sort()).toEqual([
    'dist/helper.js: missing-side-effect (ERR_MODULE_NOT_FOUND)',
    'dist/main.js: only-in-dev (ERR_MODULE_NOT_FOUND)',
  ]);
});
