import type { ContractProcessor } from '@nightshift/jobs';
import { UnrecoverableError } from 'bullmq';

/** Filled in by the worker's own issue; until then every job fails without retry, saying why. */
export function createProcessor(): ContractProcessor<'image-processing'> {
  return async () => {
    throw new UnrecoverableError('the image-processing processor is not implemented yet');
  };
}
