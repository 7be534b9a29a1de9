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

/** What a scheduler id may hold: no ":", so `repeat:<id>:<time>` reads one way only. */
export const SCHEDULER_ID_PATTERN = '[A-Za-z0-9_.-]{1,128}';

/**
 * The only job ids Nightshift issues: a UUID from `randomUUID` (every API add, bulk and flow job),
 * BullMQ's own counter (a positive integer: jobs that other services add with the library without
 * a `jobId`) and `repeat:<scheduler id>:<epoch ms>` (a scheduler's runs, as BullMQ names them).
 * BullMQ keeps a queue's own keys (`meta`, `events`, `repeat:<scheduler>`...) beside its jobs'
 * under one prefix, so an id of any other form could reach one of them: it names no job, and
 * answers 404.
 */
const JOB_ID = new RegExp(
  `^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[1-9][0-9]{0,15}|repeat:${SCHEDULER_ID_PATTERN}:[0-9]{1,16})$`,
);

export const jobIdSchema = z
  .string()
  .regex(
    JOB_ID,
    'must be a job id Nightshift issued: a lowercase UUID, a number (a job added with the library), or repeat:<scheduler id>:<time> for a scheduled run',
  )
  .describe(
    'A UUID, a number for a job added with the library without a jobId, or `repeat:<scheduler id>:<epoch ms>` for a run of a job scheduler',
  );

export const queueParams = z.object({ queue: queueNameSchema });
export const jobParams = z.object({ queue: queueNameSchema, id: jobIdSchema });
