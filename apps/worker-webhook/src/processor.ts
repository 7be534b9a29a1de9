import type { ContractProcessor } from '@nightshift/jobs';

/**
 * Handles one webhook job, whose payload the runtime has already checked against the contract.
 * Make its effect idempotent by a key derived from the job: a job can run twice (see the README's failure model).
 */
export function createProcessor(): ContractProcessor<'webhook'> {
  return async (job) => {
    const characters = job.data.message.length;
    await job.log(`read a message of ${characters} characters`);
    return { characters };
  };
}
