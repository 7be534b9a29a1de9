import type { z } from 'zod';
import type { JobContract } from '../define-contract.js';
import { InvalidJobDataError, toJobDataIssues } from '../invalid-job-data-error.js';
import { CONTRACT_VERSION_OPTION, ContractVersionError } from './contract-version-error.js';
import { type PayloadRecord, UpcastError } from './upcaster.js';

/** Jobs written before contracts had versions record none: they are version 1. */
export const UNRECORDED_CONTRACT_VERSION = 1;

const versionPath = `opts.${CONTRACT_VERSION_OPTION}`;

/** The versions a worker of this contract accepts: from the first upcaster's up to the contract's own. */
export function acceptedVersions(contract: Pick<JobContract, 'version' | 'upcasters'>): { oldest: number; newest: number } {
  return { oldest: contract.version - contract.upcasters.length, newest: contract.version };
}

/**
 * Brings a payload produced under the `recorded` contract version to the contract's own version
 * and validates it: older payloads go through the upcasters first. Throws `ContractVersionError`
 * for a version it does not know (`unknown-version`), one newer than its own (`newer-version`: the
 * producer was deployed first, so the caller may hold the job back) and an upcaster that throws
 * (`upcast-failed`); `InvalidJobDataError` when the result does not fit the contract.
 */
export function upgradeJobData<C extends JobContract>(
  queue: string,
  contract: C,
  payload: unknown,
  recorded: unknown,
): z.output<C['data']> {
  const from = recorded === undefined ? UNRECORDED_CONTRACT_VERSION : recorded;
  const { oldest, newest } = acceptedVersions(contract);
  const details = { queue, recorded, current: newest, path: versionPath };
  if (typeof from !== 'number' || !Number.isInteger(from) || from < oldest) {
    const known = oldest === newest ? `version ${newest}` : `versions ${oldest} to ${newest}`;
    const message = `${queue} job records contract version ${JSON.stringify(from)} at ${versionPath}: this worker knows ${known}`;
    throw new ContractVersionError('unknown-version', details, message);
  }
  if (from > newest) {
    const message = `${queue} job was produced under contract version ${from}, newer than this worker's ${newest}`;
    throw new ContractVersionError('newer-version', details, message);
  }

  let upgraded = payload;
  for (const upcaster of contract.upcasters.slice(from - oldest)) {
    try {
      upgraded = upcaster.upgrade(upgraded as PayloadRecord);
    } catch (error) {
      const path = error instanceof UpcastError ? error.path : '(payload)';
      const reason = error instanceof Error ? error.message : String(error);
      const message = `cannot upgrade ${queue} job from contract version ${upcaster.from} to ${upcaster.from + 1} (produced under ${from}): ${path}: ${reason}`;
      throw new ContractVersionError('upcast-failed', { ...details, path }, message);
    }
  }

  const parsed = contract.data.safeParse(upgraded);
  if (!parsed.success) {
    const context = from === newest ? undefined : `upgraded from contract version ${from} to ${newest}`;
    throw new InvalidJobDataError(queue, toJobDataIssues(parsed.error), context);
  }
  return parsed.data as z.output<C['data']>;
}
