import { type QueueName, queueNames } from '@nightshift/contracts';
import { z } from 'zod';

export interface JsonResponse<S extends z.ZodType> {
  description: string;
  content: { 'application/json': { schema: S } };
}

/** A JSON response with what its status means, which OpenAPI shows instead of "Default Response". */
export function jsonResponse<S extends z.ZodType>(description: string, schema: S): JsonResponse<S> {
  return { description, content: { 'application/json': { schema } } };
}

/** A name with its indefinite article, as English reads it aloud: "an email", "a pdf", "an image-processing". */
export const withArticle = (name: string) => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;

/** `image-processing` → `ImageProcessing`: how a queue appears in schema and operation names. */
export const pascalCase = (name: string) => name.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase());

export const queueNameSchema = z.enum(queueNames as [QueueName, ...QueueName[]]).describe('A queue of the job contracts');

/** The longest job id: scheduler runs are `repeat:<scheduler id>:<time>`. The router takes path parameters this long. */
export const MAX_JOB_ID_LENGTH = 256;

/** BullMQ ids: UUIDs we generate, and `repeat:<scheduler>:<time>` for scheduled runs. */
export const jobIdSchema = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9:_.-]{1,${MAX_JOB_ID_LENGTH}}$`),
    `must be 1 to ${MAX_JOB_ID_LENGTH} characters of letters, digits, ":", "_", "." or "-"`,
  );

export const queueParams = z.object({ queue: queueNameSchema });
export const jobParams = z.object({ queue: queueNameSchema, id: jobIdSchema });
