import { type ContractDocument, type JobContract, upgradeJobData } from '@nightshift/contracts';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { diffSchemas, type SchemaChange } from './schema-changes.js';

export interface CurrentContract {
  queue: string;
  contract: JobContract;
  document: ContractDocument;
}

export interface PartChange extends SchemaChange {
  part: 'data' | 'result';
}

export interface QueueReport {
  queue: string;
  releasedVersion: number | undefined;
  version: number | undefined;
  changes: PartChange[];
  /** Why the breaking changes are allowed, when they are. */
  coveredBy?: string;
  /** What must be done before the breaking changes can go in; empty when nothing is owed. */
  problems: string[];
}

/**
 * Compares each queue's current contract with its last released snapshot. A breaking change passes
 * only when the contract's version was raised; a raised version, only when the upcasters lead from
 * the released version to the current one, with examples that the released schema accepts and that
 * upgrade into payloads the current contract accepts, so jobs still queued under the released
 * version keep running. Readers of results tell the shapes apart by the version a job recorded.
 */
export function checkContracts(released: readonly ContractDocument[], current: readonly CurrentContract[]): QueueReport[] {
  const reports: QueueReport[] = [];
  for (const snapshot of released) {
    const now = current.find((entry) => entry.queue === snapshot.queue);
    if (now === undefined) {
      reports.push({
        queue: snapshot.queue,
        releasedVersion: snapshot.version,
        version: undefined,
        changes: [{ part: 'data', path: '$', change: 'queue removed or renamed', breaking: true }],
        problems: [`queue "${snapshot.queue}" is gone: producers that use it break; keep it, or release its removal on purpose`],
      });
      continue;
    }
    reports.push(compareQueue(snapshot, now));
  }
  for (const { queue, document } of current) {
    if (released.some((snapshot) => snapshot.queue === queue)) continue;
    reports.push({
      queue,
      releasedVersion: undefined,
      version: document.version,
      changes: [{ part: 'data', path: '$', change: 'new queue', breaking: false }],
      problems: [],
    });
  }
  return reports;
}

function compareQueue(snapshot: ContractDocument, { queue, contract, document }: CurrentContract): QueueReport {
  const changes: PartChange[] = [
    ...diffSchemas(snapshot.data, document.data, 'input').map((change) => ({ ...change, part: 'data' as const })),
    ...diffSchemas(snapshot.result, document.result, 'output').map((change) => ({ ...change, part: 'result' as const })),
  ];
  const report: QueueReport = { queue, releasedVersion: snapshot.version, version: document.version, changes, problems: [] };
  if (document.version < snapshot.version) {
    report.problems.push(`version ${document.version} is lower than the released ${snapshot.version}: versions only go up`);
    return report;
  }
  const breaking = changes.some((change) => change.breaking);
  if (document.version === snapshot.version) {
    if (breaking) {
      report.problems.push(
        `raise its version to ${snapshot.version + 1} and add an upcaster from ${snapshot.version} that upgrades released payloads`,
      );
    }
    return report;
  }
  // Whatever changed: without upcasters from the released version, workers refuse the jobs still queued under it.
  report.problems.push(...upcasterProblems(queue, contract, snapshot));
  if (breaking && report.problems.length === 0) {
    report.coveredBy = `version ${snapshot.version} → ${document.version}, upcasters from ${snapshot.version}, their examples checked against both schemas`;
  }
  return report;
}

/** Whether the upcasters take every released payload their examples show to a payload the current contract accepts. */
function upcasterProblems(queue: string, contract: JobContract, snapshot: ContractDocument): string[] {
  const oldest = contract.version - contract.upcasters.length;
  if (oldest > snapshot.version) {
    return [
      `add upcasters from version ${snapshot.version}: the first one upgrades from ${oldest}, so released payloads would fail`,
    ];
  }
  const first = contract.upcasters[snapshot.version - oldest];
  if (first === undefined) return [`add an upcaster from version ${snapshot.version}`];
  const ajv = new Ajv2020({ allErrors: true });
  addFormats.default(ajv);
  const releasedSchema = ajv.compile(snapshot.data);
  const problems: string[] = [];
  first.examples.forEach(({ before }, index) => {
    const example = `the upcaster from ${snapshot.version}'s example ${index + 1}`;
    if (!releasedSchema(before)) {
      const reasons = (releasedSchema.errors ?? [])
        .map((error) => `${error.instancePath || '(root)'} ${error.message}`)
        .join('; ');
      problems.push(`${example} is not a payload the released version ${snapshot.version} accepts: ${reasons}`);
      return;
    }
    try {
      upgradeJobData(queue, contract, before, snapshot.version);
    } catch (error) {
      problems.push(`${example} does not upgrade to a valid version ${contract.version} payload: ${(error as Error).message}`);
    }
  });
  return problems;
}
