import { z } from 'zod';
import type { JobContract } from './define-contract.js';
import { jobContracts, type QueueName } from './job-contracts.js';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/**
 * A queue's contract for teams that are not on TypeScript: `data` is what a producer sends and
 * `result` what the worker returns, each a JSON Schema (draft 2020-12) made by zod's own
 * `z.toJSONSchema`. Shipped as `dist/schemas/<queue>.json`, served by the API at
 * `/v1/contracts/<queue>`, and referenced by the OpenAPI request bodies.
 */
export interface ContractDocument {
  queue: string;
  /** The contract version a producer of this schema records on its jobs. */
  version: number;
  data: JsonSchema;
  result: JsonSchema;
}

export function toContractDocument(queue: string, contract: JobContract): ContractDocument {
  return {
    queue,
    version: contract.version,
    // A producer writes the schema's input; a reader of results gets its output.
    data: z.toJSONSchema(contract.data, { target: 'draft-2020-12', io: 'input' }),
    result: z.toJSONSchema(contract.result, { target: 'draft-2020-12', io: 'output' }),
  };
}

/** A fresh copy on each call, so a caller that changes its copy changes nobody else's. */
export function contractJsonSchema(queue: QueueName): ContractDocument {
  return toContractDocument(queue, jobContracts[queue]);
}
