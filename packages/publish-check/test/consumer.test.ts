import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractJsonSchema, jobContracts, queueNames } from '@nightshift/contracts';
import { AppProcess } from '@nightshift/failure-recovery';
import { createQueue } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { appNamed, REPO_ROOT } from '@nightshift/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRelease } from '../src/node-release.js';
import { type PackedPackage, packPublishable } from '../src/publishable.js';
import { run, runOrThrow } from '../src/run.js';

/**
 * Another team's repository, as it uses the published packages: a folder outside the workspace,
 * the tarballs `pnpm publish` would upload installed with plain npm (their peers zod, bullmq and
 * ioredis come from the registry), a TypeScript producer compiled by `tsc`, run against Redis
 * while Nightshift's built email worker processes its job.
 */

/** The oldest Node.js line the packages' `engines` admit (`>=22`), at the release tested. */
const OLDEST_NODE = '22.23.5';
const TSC = {
  'TypeScript 5.9': [process.execPath, join(import.meta.dirname, '..', 'node_modules', 'typescript-5', 'bin', 'tsc')],
  'TypeScript 7': [join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsc')],
} as const;

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'billing-service', private: true, type: 'module' }, null, 2),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      // As tsc --init writes it; tsconfig.libcheck.json turns it off to check every declaration file.
      skipLibCheck: true,
      resolveJsonModule: true,
      outDir: 'dist',
      rootDir: 'src',
      types: ['node'],
    },
    include: ['src'],
    exclude: ['src/wrong-payload.ts'],
  }),
  'tsconfig.bundler.json': JSON.stringify({
    extends: './tsconfig.json',
    compilerOptions: { module: 'Preserve', moduleResolution: 'Bundler', noEmit: true },
  }),
  'tsconfig.libcheck.json': JSON.stringify({
    extends: './tsconfig.json',
    compilerOptions: { skipLibCheck: false, noEmit: true },
  }),
  'tsconfig.wrong.json': JSON.stringify({
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true },
    include: ['src/wrong-payload.ts'],
    exclude: [],
  }),
  'src/producer.ts': `import { type JobData, jobContracts } from '@nightshift/contracts';
import emailContract from '@nightshift/contracts/schemas/email.json' with { type: 'json' };
import { createQueue, recordedContractVersion } from '@nightshift/jobs';
import { QueueEvents } from 'bullmq';

const [redisUrl, prefix] = process.argv.slice(2);
const invoice: JobData['email'] = {
  to: 'billing@example.com',
  template: 'invoice',
  data: { invoiceNumber: 'INV-2026-0042', amountCents: 129_900, currency: 'EUR' },
};
const queue = createQueue('email', { redisUrl, prefix });
const events = new QueueEvents('email', { connection: { url: redisUrl }, prefix });
await events.waitUntilReady();
const job = await queue.add('invoice', invoice);
const result = await job.waitUntilFinished(events, 30_000);
const stored = await queue.getJob(job.id ?? '');
console.log(JSON.stringify({
  node: process.version,
  result,
  recordedVersion: stored && recordedContractVersion(stored),
  contractVersion: jobContracts.email.version,
  schemaVersion: emailContract.version,
  schemaDialect: emailContract.data.$schema,
}));
await Promise.all([queue.close(), events.close()]);
`,
  'src/mistakes.ts': `import type { ContractQueue } from '@nightshift/jobs';

export function mistakes(email: ContractQueue<'email'>, pdf: ContractQueue<'pdf'>) {
  // @ts-expect-error a template that does not exist
  void email.add('x', { to: 'a@example.com', template: 'newsletter', data: {} });
  // @ts-expect-error an invoice needs its currency
  void email.add('x', { to: 'a@example.com', template: 'invoice', data: { invoiceNumber: 'INV-1', amountCents: 1 } });
  // @ts-expect-error an email payload on the pdf queue
  void pdf.add('x', { to: 'a@example.com', template: 'trial-expiry', data: {} });
}
`,
  'src/wrong-payload.ts': `import { createQueue } from '@nightshift/jobs';

const queue = createQueue('email');
await queue.add('invoice', {
  to: 'billing@example.com',
  template: 'invoice',
  data: { invoiceNumber: 'INV-1', amountCents: '1299.00', currency: 'EUR' },
});
`,
};

describe('the published packages, used from another repository', () => {
  let consumer: string;
  let packed: PackedPackage[];

  beforeAll(async () => {
    consumer = await mkdtemp(join(tmpdir(), 'nightshift-consumer-'));
    const tarballs = join(consumer, '.tarballs');
    await mkdir(join(consumer, 'src'), { recursive: true });
    await mkdir(tarballs);
    for (const [name, text] of Object.entries(files)) await writeFile(join(consumer, name), text);
    packed = await packPublishable(tarballs);
    const typesNode = JSON.parse(
      await readFile(join(import.meta.dirname, '..', 'node_modules', '@types', 'node', 'package.json'), 'utf8'),
    );
    await runOrThrow(
      'npm',
      ['install', '--no-audit', '--no-fund', ...packed.map((pkg) => pkg.tarball), `@types/node@${typesNode.version}`],
      {
        cwd: consumer,
      },
    );
  }, 300_000);
  afterAll(() => rm(consumer, { recursive: true, force: true }));

  it('ships what pnpm publish would: built code, declarations, JSON Schemas; no workspace protocol or source condition', async () => {
    expect(packed.map((pkg) => pkg.name)).toEqual(['@nightshift/contracts', '@nightshift/jobs']);
    const installed = join(consumer, 'node_modules', '@nightshift');
    for (const name of ['contracts', 'jobs']) {
      // A real folder from the tarball, not a link into the workspace.
      expect((await lstat(join(installed, name))).isDirectory()).toBe(true);
      const manifest = await readFile(join(installed, name, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
      expect(manifest).not.toContain('@nightshift/source');
      expect(
        (await readdir(join(installed, name, 'src'), { recursive: true })).filter((file) => file.endsWith('.test.ts')),
      ).toEqual([]);
    }
    for (const queue of queueNames) {
      const shipped = JSON.parse(await readFile(join(installed, 'contracts', 'dist', 'schemas', `${queue}.json`), 'utf8'));
      expect(shipped).toEqual(contractJsonSchema(queue));
    }
    // npm resolved every peer and took jobs' contracts dependency from the tarball beside it.
    const tree = await run('npm', ['ls', '--all', '--json'], { cwd: consumer });
    expect(tree.code, tree.output).toBe(0);
    const { dependencies } = JSON.parse(tree.output);
    expect(Object.keys(dependencies).sort()).toEqual(['@nightshift/contracts', '@nightshift/jobs', '@types/node']);
    expect(Object.keys(dependencies['@nightshift/contracts'].dependencies)).toEqual(['zod']);
    expect(Object.keys(dependencies['@nightshift/jobs'].dependencies).sort()).toEqual([
      '@nightshift/contracts',
      'bullmq',
      'ioredis',
      'zod',
    ]);
    // Deduplicated: the one copy installed from its tarball.
    expect(dependencies['@nightshift/jobs'].dependencies['@nightshift/contracts']).toEqual({ version: '0.1.0' });
  });

  for (const [typescript, tsc] of Object.entries(TSC)) {
    it(`compiles the producer with ${typescript} under moduleResolution nodenext and bundler, and a wrong payload is an error`, async () => {
      const [command, ...args] = tsc;
      // libcheck: our declaration files, and those of zod, bullmq and ioredis they reach, compile without skipLibCheck.
      for (const project of ['tsconfig.json', 'tsconfig.bundler.json', 'tsconfig.libcheck.json']) {
        const compiled = await run(command, [...args, '-p', project], { cwd: consumer });
        expect(compiled.output).toBe('');
        expect(compiled.code).toBe(0);
      }
      const wrong = await run(command, [...args, '-p', 'tsconfig.wrong.json'], { cwd: consumer });
      expect(wrong.code).not.toBe(0);
      expect(wrong.output).toMatch(
        /src\/wrong-payload\.ts\(7,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
      );
    }, 120_000);
  }

  it(`runs the producer on Node.js ${OLDEST_NODE} and ${process.versions.node}: Nightshift's built worker completes each job`, async () => {
    const storage = join(consumer, 'storage');
    const prefix = uniquePrefix('consumer');
    await runOrThrow(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=@nightshift/worker-email', '--output-logs=errors-only'],
      {
        cwd: REPO_ROOT,
      },
    );
    // The nodenext build is the one that runs (the bundler project is for bundlers and emits nothing).
    await runOrThrow(TSC['TypeScript 7'][0], ['-p', 'tsconfig.json'], { cwd: consumer });
    const worker = AppProcess.start(appNamed('worker-email'), {
      REDIS_URL: SHARED_REDIS_URL,
      QUEUE_PREFIX: prefix,
      STORAGE_DIR: storage,
      METRICS_PORT: '0',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    });
    try {
      await worker.waitForLine((line) => line.msg === 'worker started', 'worker started');
      for (const node of [await nodeRelease(OLDEST_NODE), process.execPath]) {
        const output = await runOrThrow(node, ['dist/producer.js', SHARED_REDIS_URL, prefix], { cwd: consumer });
        const report = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
        expect(report.node).toBe(node === process.execPath ? process.version : `v${OLDEST_NODE}`);
        expect(report).toMatchObject({
          recordedVersion: jobContracts.email.version,
          contractVersion: jobContracts.email.version,
          schemaVersion: jobContracts.email.version,
          schemaDialect: 'https://json-schema.org/draft/2020-12/schema',
          result: { id: expect.stringContaining(join(storage, 'outbox')), sentAt: expect.any(String) },
        });
        // Without RESEND_API_KEY the worker writes each message to the outbox: the invoice is there.
        expect(await readFile(report.result.id, 'utf8')).toContain('INV-2026-0042');
      }
    } finally {
      await worker.stop();
      const queue = createQueue('email', { redisUrl: SHARED_REDIS_URL, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }, 180_000);
});
