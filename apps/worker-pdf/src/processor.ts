import type { ContractProcessor } from '@nightshift/jobs';
import { UnrecoverableError } from 'bullmq';

/** Filled in by the worker's own issue; until then every job fails without retry, saying why. */
export function createProcessor(): ContractProcessor<'pdf'> {
  return async () => {
    throw new UnrecoverableError('the pdf processor is not implemented yet');
  };
}
