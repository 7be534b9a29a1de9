import type { SwaggerTransformObject } from '@fastify/swagger';
import { type ContractDocument, contractJsonSchema, type JobData, type QueueName, queueNames } from '@nightshift/contracts';
import { jobDataSchema } from '@nightshift/jobs';
import { z } from 'zod';
import { pascalCase } from './common.js';

const jsonSchema = z.record(z.string(), z.unknown());

export const contractDocumentSchema = z
  .object({
    queue: z.string(),
    version: z.int().describe('The contract version a producer of this schema records on its jobs'),
    data: jsonSchema.describe("JSON Schema (draft 2020-12) of the payload a producer sends: a job's `data`"),
    result: jsonSchema.describe("JSON Schema (draft 2020-12) of what the worker returns: a job's `returnValue`"),
  })
  .meta({ id: 'ContractDocument' });

export const contractListSchema = z.object({
  contracts: z.array(
    z.object({
      queue: z.string(),
      version: z.int(),
      schema: z.string().describe('Where its ContractDocument is'),
    }),
  ),
});

/** Each queue's document, built once: what `/v1/contracts/{queue}` serves and the OpenAPI request bodies reference. */
export const contractDocuments = Object.fromEntries(queueNames.map((queue) => [queue, contractJsonSchema(queue)])) as Record<
  QueueName,
  ContractDocument
>;

/** The OpenAPI component of a queue's payload, as fastify-type-provider-zod names a request schema: `EmailJobDataInput`. */
const componentId = (queue: QueueName) => `${pascalCase(queue)}JobData`;

const bodyDataSchemas = new Map<QueueName, z.ZodType>();

/**
 * A queue's contract where a request body carries a payload: `jobDataSchema` (validation, and the
 * parsed payload marked so the queue does not parse it again), one instance per queue registered
 * under one id, so every body refers to one component, which `withContractComponents` fills with
 * the queue's contract document.
 */
export function contractDataSchema<Q extends QueueName>(queue: Q): z.ZodType<JobData[Q]> {
  let schema = bodyDataSchemas.get(queue);
  if (!schema) {
    schema = jobDataSchema(queue).meta({ id: componentId(queue) });
    bodyDataSchemas.set(queue, schema);
  }
  return schema as z.ZodType<JobData[Q]>;
}

type OpenApiObject = ReturnType<SwaggerTransformObject>;

/**
 * The payload components of the OpenAPI document, replaced by the contract documents' `data`
 * (less `$schema`, which the document states once): one source for the JSON Schema teams
 * download and the request bodies. The output twin zod also writes is dropped, as no response uses it.
 */
export function withContractComponents(document: OpenApiObject): OpenApiObject {
  const components = 'components' in document ? document.components : undefined;
  const schemas: Record<string, unknown> = { ...components?.schemas };
  for (const queue of queueNames) {
    const { $schema: _dialect, ...payload } = contractDocuments[queue].data;
    delete schemas[componentId(queue)];
    schemas[`${componentId(queue)}Input`] = payload;
  }
  return { ...document, components: { ...components, schemas } } as OpenApiObject;
}
