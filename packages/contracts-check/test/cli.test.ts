import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { contractJsonSchema, jobContracts, queueNames } from '@nightshift/contracts';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '../../..');
const contractsDir = join(repoRoot, 'packages', 'contracts');

/** A README command, run from the repository root; resolves with its exit code and output either way. */
async function pnpmScript(script: string, ...args: string[]): Promise<{ code: number; output: string }> {
  return promisify(execFile)('pnpm', [script, ...args], { cwd: repoRoot }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: error.code ?? 1,
      output: (error.stdout ?? '') + (error.stderr ?? ''),
    }),
  );
}

// On a queue still at its released version (pdf), so the edit is the only difference.
const newRequiredField: Edit = [
  'pdf.ts',
  '  format: z.enum(reportFormats),\n});',
  '  format: z.enum(reportFormats),\n  locale: z.string(),\n});',
];
/** The contract's own examples must fit it, so they gain the field too. */
const examplesWithLocale: Edit = [
  'pdf.ts',
  "{ reportId: 'r-1', userId: 'u_1', format: 'pdf' },\n    { reportId: 'r-1', userId: 'u_1', format: 'xlsx' },",
  "{ reportId: 'r-1', userId: 'u_1', format: 'pdf', locale: 'en' },\n    { reportId: 'r-1', userId: 'u_1', format: 'xlsx', locale: 'en' },",
];

type Edit = [file: string, from: string, to: string];

describe('pnpm contracts:check', () => {
  const trees: string[] = [];
  afterAll(() => Promise.all(trees.map((tree) => rm(tree, { recursive: true, force: true }))));

  /** A copy of the contracts edited as a developer would, with zod from the package's own node_modules; resolves with its index. */
  async function treeWith(...edits: Edit[]): Promise<string> {
    const tree = await mkdtemp(join(tmpdir(), 'nightshift-contracts-tree-'));
    trees.push(tree);
    await cp(join(contractsDir, 'src'), join(tree, 'src'), { recursive: true });
    await cp(join(contractsDir, 'package.json'), join(tree, 'package.json'));
    await symlink(join(contractsDir, 'node_modules'), join(tree, 'node_modules'));
    for (const [file, from, to] of edits) {
      const path = join(tree, 'src', file);
      const source = await readFile(path, 'utf8');
      expect(source).toContain(from);
      await writeFile(path, source.replace(from, to));
    }
    return join(tree, 'src', 'index.ts');
  }

  it('passes on the clean tree: every queue unchanged since its release, or not released yet', async () => {
    const { code, output } = await pnpmScript('contracts:check');
    for (const queue of queueNames) {
      const { version } = jobContracts[queue];
      expect(output).toMatch(new RegExp(`^  ${queue}: version ${version}( \\(released \\d+\\)|, not released yet): `, 'm'));
    }
    expect(output).toContain('contracts:check: no breaking change left uncovered');
    expect(code).toBe(0);
  });

  it('fails on a tree where a required field was added, naming it with its JSON path', async () => {
    const { code, output } = await pnpmScript(
      'contracts:check',
      '--contracts',
      await treeWith(newRequiredField, examplesWithLocale),
    );
    expect(output).toContain('pdf: version 1 (released 1): 1 breaking, 0 compatible');
    expect(output).toContain('breaking    data $.locale: new required field');
    expect(output).toContain('to do: raise its version to 2 and add an upcaster from 1 that upgrades released payloads');
    expect(output).toContain('breaking changes not covered in pdf');
    expect(code).toBe(1);
  });

  it('passes the same change once the version is raised and an upcaster covers it', async () => {
    const index = await treeWith(newRequiredField, examplesWithLocale, [
      'pdf.ts',
      `export const pdfContract = defineContract({
  version: 1,
  data: pdfJobSchema,
  result: pdfResultSchema,
  upcasters: [],`,
      `export const pdfContract = defineContract({
  version: 2,
  data: pdfJobSchema,
  result: pdfResultSchema,
  upcasters: [
    {
      from: 1,
      upgrade: (payload) => ({ locale: 'en', ...payload }),
      examples: [
        {
          before: { reportId: 'r-1', userId: 'u_1', format: 'pdf' },
          after: { reportId: 'r-1', userId: 'u_1', format: 'pdf', locale: 'en' },
        },
      ],
    },
  ],`,
    ]);
    const { code, output } = await pnpmScript('contracts:check', '--contracts', index);
    expect(output).toContain('pdf: version 2 (released 1): 1 breaking, 0 compatible');
    expect(output).toContain('covered: version 1 → 2, upcasters from 1, their examples checked against both schemas');
    expect(code).toBe(0);
  });
});

it('pnpm contracts:snapshot records the current contracts as released, and drops the snapshot of a queue that is gone', async () => {
  const released = await mkdtemp(join(tmpdir(), 'nightshift-released-'));
  try {
    await writeFile(join(released, 'renamed-queue.json'), '{}');
    const { code, output } = await pnpmScript('contracts:snapshot', '--released', released);
    const written = queueNames.map((queue) => `${queue} v${jobContracts[queue].version}`).join(', ');
    expect(output).toContain(`contracts:snapshot: ${written} written to`);
    expect(code).toBe(0);
    expect((await readdir(released)).sort()).toEqual(queueNames.map((queue) => `${queue}.json`).sort());
    for (const queue of queueNames) {
      expect(JSON.parse(await readFile(join(released, `${queue}.json`), 'utf8'))).toEqual(contractJsonSchema(queue));
    }
  } finally {
    await rm(released, { recursive: true, force: true });
  }
});
