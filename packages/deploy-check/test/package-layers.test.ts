import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package layers and the "only config reads process.env" rule are biome rules (biome.json's
 * overrides: `noRestrictedImports` per package, `noProcessEnv` on every src but config's and the
 * test tools'). These tests run them as part of the suite, and prove on sample files that each
 * override reaches the package it names, so a mistyped path cannot turn a rule off unnoticed.
 */
const repoRoot = resolve(import.meta.dirname, '../../..');
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
const RULES = ['lint/style/noRestrictedImports', 'lint/style/noProcessEnv'];

interface Finding {
  rule: string;
  file: string;
  line: number;
  message: string;
}

interface BiomeReport {
  diagnostics: { category: string; message: string; location: { path: string; start: { line: number } } }[];
}

/** What biome's two layer rules say about `paths`, run from `cwd` with the biome.json there. */
async function layerFindings(cwd: string, paths: string[], args: string[] = []): Promise<Finding[]> {
  // Biome exits 1 when it reports an error; the JSON report on stdout says what it found either way.
  const stdout = await promisify(execFile)(biome, ['lint', '--reporter=json', ...args, ...paths], { cwd }).then(
    (result) => result.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  const report = JSON.parse(stdout) as BiomeReport;
  return report.diagnostics
    .filter((diagnostic) => RULES.includes(diagnostic.category))
    .map((diagnostic) => ({
      rule: diagnostic.category.replace('lint/style/', ''),
      file: diagnostic.location.path,
      line: diagnostic.location.start.line,
      message: diagnostic.message,
    }));
}

it('no package imports a higher one, and only config reads process.env (biome, over apps/ and packages/)', async () => {
  expect(await layerFindings(repoRoot, ['apps', 'packages'])).toEqual([]);
});

/** [file, source, the rules it must break] */
const samples: [string, string, string[]][] = [
  ['packages/contracts/src/sample.ts', "import { createQueue } from '@nightshift/jobs';", ['noRestrictedImports']],
  ['packages/contracts/src/sample.ts', "import { z } from 'zod';", []],
  ['packages/storage/src/sample.ts', "import { queueNames } from '@nightshift/contracts';", ['noRestrictedImports']],
  ['packages/test-support/src/sample.ts', "import { createQueue } from '@nightshift/jobs';", ['noRestrictedImports']],
  ['packages/jobs/src/sample.ts', "import { loadEnv } from '@nightshift/config';", ['noRestrictedImports']],
  [
    'packages/jobs/src/sample.ts',
    "import { queueNames } from '@nightshift/contracts/src/job-contracts.js';",
    ['noRestrictedImports'],
  ],
  ['packages/jobs/src/sample.ts', "import { queueNames } from '@nightshift/contracts';", []],
  ['packages/jobs/src/sample.ts', 'export const url = process.env.REDIS_URL;', ['noProcessEnv']],
  ['packages/jobs/test/sample.test.ts', "import { uniquePrefix } from '@nightshift/test-support';", []],
  ['packages/contracts-check/src/sample.ts', "import { createQueue } from '@nightshift/jobs';", ['noRestrictedImports']],
  ['packages/contracts-check/src/sample.ts', "import { jobContracts } from '@nightshift/contracts';", []],
  ['packages/config/src/sample.ts', "import { startWorker } from '@nightshift/worker-runtime';", ['noRestrictedImports']],
  [
    'packages/config/src/sample.ts',
    "import { redisUrlSchema } from '@nightshift/jobs';\nexport const url = redisUrlSchema.parse(process.env.REDIS_URL);",
    [],
  ],
  ['packages/worker-runtime/src/sample.ts', "import { buildApp } from '@nightshift/api';", ['noRestrictedImports']],
  ['packages/worker-runtime/src/sample.ts', 'export const level = process.env.LOG_LEVEL;', ['noProcessEnv']],
  ['packages/worker-runtime/src/sample.ts', "import { loadEnv } from '@nightshift/config';", []],
  ['apps/worker-pdf/src/sample.ts', "import { createProcessor } from '@nightshift/worker-image';", ['noRestrictedImports']],
  ['apps/api/src/sample.ts', 'export const port = process.env.PORT;', ['noProcessEnv']],
  ['apps/api/src/sample.test.ts', 'export const url = process.env.REDIS_URL;', []],
  ['apps/api/src/sample.ts', "import { startWorker } from '@nightshift/worker-runtime';", []],
];

describe('each override reaches its package', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nightshift-layers-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it.each(samples)('%s: %s', async (file, source, rules) => {
    // A folder per sample with the repository's biome.json: overrides match paths from where it sits.
    const cwd = await mkdtemp(join(scratch, 'sample-'));
    await copyFile(join(repoRoot, 'biome.json'), join(cwd, 'biome.json'));
    await mkdir(dirname(join(cwd, file)), { recursive: true });
    await writeFile(join(cwd, file), `${source}\n`);
    // No git work tree here, so no .gitignore for biome to read.
    const findings = await layerFindings(cwd, [file], ['--vcs-enabled=false']);
    expect(findings.map((finding) => finding.rule)).toEqual(rules);
  });
});
