/**
 * `pnpm contracts:check`: compares each queue's contract with the last released one and exits 1
 * on a breaking change that its version and upcasters do not cover. `pnpm contracts:snapshot`:
 * records the current contracts as the released ones (the release step runs it).
 * `--contracts <module>` loads the contracts from another copy (the tests' edited trees);
 * `--released <dir>` reads and writes the snapshots elsewhere.
 */
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ContractDocument, JobContract } from '@nightshift/contracts';
import { type CurrentContract, checkContracts, type QueueReport } from './check-contracts.js';
import { RELEASED_DIR, readReleased, writeReleased } from './released-snapshots.js';

interface ContractsModule {
  jobContracts: Record<string, JobContract>;
  toContractDocument(queue: string, contract: JobContract): ContractDocument;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { contracts: { type: 'string' }, released: { type: 'string' } },
});
const command = positionals[0];
const releasedDir = values.released ? resolve(values.released) : RELEASED_DIR;
const specifier = values.contracts ? pathToFileURL(resolve(values.contracts)).href : '@nightshift/contracts';
const contracts = (await import(specifier)) as ContractsModule;
const current: CurrentContract[] = Object.entries(contracts.jobContracts).map(([queue, contract]) => ({
  queue,
  contract,
  document: contracts.toContractDocument(queue, contract),
}));

if (command === 'snapshot') {
  await writeReleased(
    releasedDir,
    current.map((entry) => entry.document),
  );
  console.log(
    `contracts:snapshot: ${current.map((entry) => `${entry.queue} v${entry.document.version}`).join(', ')} written to ${shown(releasedDir)}`,
  );
} else if (command === 'check') {
  const reports = checkContracts(await readReleased(releasedDir), current);
  console.log(`contracts:check against the released contracts in ${shown(releasedDir)}`);
  for (const report of reports) print(report);
  const owing = reports.filter((report) => report.problems.length > 0);
  if (owing.length > 0) {
    console.log(
      `contracts:check: breaking changes not covered in ${owing.map((report) => report.queue).join(', ')}; see the README's "Versioning rules"`,
    );
    process.exitCode = 1;
  } else {
    console.log('contracts:check: no breaking change left uncovered');
  }
} else {
  console.error('usage: cli.ts check|snapshot [--contracts <module>] [--released <dir>]');
  process.exitCode = 2;
}

function print(report: QueueReport) {
  const breaking = report.changes.filter((change) => change.breaking).length;
  const versions =
    report.version === undefined
      ? `released version ${report.releasedVersion}, now gone`
      : `version ${report.version}${report.releasedVersion === undefined ? ', not released yet' : ` (released ${report.releasedVersion})`}`;
  const summary =
    report.changes.length === 0 ? 'unchanged' : `${breaking} breaking, ${report.changes.length - breaking} compatible`;
  console.log(`  ${report.queue}: ${versions}: ${summary}`);
  for (const change of report.changes) {
    console.log(`    ${change.breaking ? 'breaking  ' : 'compatible'}  ${change.part} ${change.path}: ${change.change}`);
  }
  if (report.coveredBy) console.log(`    covered: ${report.coveredBy}`);
  for (const problem of report.problems) console.log(`    to do: ${problem}`);
}

/** Relative to the repository, where the command is run from. */
function shown(dir: string): string {
  return relative(resolve(import.meta.dirname, '../../..'), dir) || '.';
}
