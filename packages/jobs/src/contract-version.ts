import { CONTRACT_VERSION_OPTION, jobContracts, type QueueName } from '@nightshift/contracts';

/**
 * Job options that record the contract version a payload was produced under. BullMQ stores a
 * job's options whole, keys it does not know included, and hands them back on every read, so the
 * payload stays exactly the contract's. A job scheduler's runs carry their template's options,
 * version included.
 */
export function withContractVersion<O extends object>(queue: QueueName, opts: O | undefined): O {
  return { ...opts, [CONTRACT_VERSION_OPTION]: jobContracts[queue].version } as O;
}

/** What a job recorded, as stored: undefined for jobs from before contract versions, or from a raw BullMQ producer. */
export function recordedContractVersion(job: { opts: object }): unknown {
  return (job.opts as Record<string, unknown>)[CONTRACT_VERSION_OPTION];
}
