import { z } from 'zod';
import { type ErrorCode, type ErrorStatus, errorCodeNames, errorCodes, errorStatusMeanings } from '../errors/index.js';
import { type JsonResponse, jsonResponse } from './common.js';

/** `x-enum-descriptions` (as openapi-generator reads it): one description per enum member, in order. */
const describedCodes = <C extends ErrorCode>(codes: readonly [C, ...C[]]) =>
  z.enum(codes).meta({ 'x-enum-descriptions': codes.map((code) => errorCodes[code].description) });

const errorCodeSchema = describedCodes(errorCodeNames).meta({
  id: 'ErrorCode',
  description: 'Every code the API answers with; each response narrows it to the codes of its route and status.',
});

const errorSchema = z
  .object({
    error: z.string().describe('What went wrong and why'),
    code: errorCodeSchema,
    issues: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('The fields at fault, by dotted path'),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorSchema>;

/** Which codes each entry built by `errorResponses` stands for, read back by `declaredErrorCodes`. */
const codesOfResponse = new WeakMap<object, readonly ErrorCode[]>();

/**
 * A route's error responses from the codes it answers, grouped by status: the shared `Error`
 * schema with `code` narrowed to those codes (with their descriptions), and a description that
 * says what the status means and lists them. INTERNAL is added, since any route can fail, and
 * REDIS_FULL wherever REDIS_UNAVAILABLE is.
 */
export function errorResponses(...codes: readonly ErrorCode[]) {
  const answered = new Set<ErrorCode>([...codes, 'INTERNAL']);
  // A route that needs Redis can find it full as well as gone: Redis refuses even some reads (scripts) at maxmemory.
  if (answered.has('REDIS_UNAVAILABLE')) answered.add('REDIS_FULL');
  const byStatus = new Map<ErrorStatus, [ErrorCode, ...ErrorCode[]]>();
  // In the list's order, so every route's documentation reads alike.
  for (const code of errorCodeNames.filter((name) => answered.has(name))) {
    const status = errorCodes[code].status;
    const sameStatus = byStatus.get(status);
    if (sameStatus) sameStatus.push(code);
    else byStatus.set(status, [code]);
  }
  const responses: Record<number, JsonResponse<z.ZodType<ErrorBody>>> = {};
  for (const [status, listed] of byStatus) {
    const codeList = listed.map((code) => `- \`${code}\`: ${errorCodes[code].description}`).join('\n');
    const description = `${errorStatusMeanings[status]}:\n\n${codeList}`;
    // allOf the shared schema and the narrowing, so clients see one Error type everywhere.
    const narrowed = z.intersection(errorSchema, z.looseObject({ code: describedCodes(listed) }));
    const response: JsonResponse<z.ZodType<ErrorBody>> = jsonResponse(description, narrowed);
    codesOfResponse.set(response, listed);
    responses[status] = response;
  }
  return responses;
}

/** The codes a route's `response` declares through `errorResponses`. */
export function declaredErrorCodes(response: unknown): ErrorCode[] {
  if (typeof response !== 'object' || response === null) return [];
  return Object.values(response).flatMap((entry) =>
    typeof entry === 'object' && entry ? (codesOfResponse.get(entry) ?? []) : [],
  );
}

/**
 * What every /v1 route can answer before it runs: the rate limit comes first (kept in Redis, so
 * 503 when Redis does not answer), then the bearer token.
 */
export const authenticatedErrors = ['RATE_LIMITED', 'UNAUTHORIZED', 'REDIS_UNAVAILABLE'] as const satisfies readonly ErrorCode[];

/**
 * What Fastify's body parsing answers on a POST, PUT or DELETE that takes a body: a JSON (or
 * text) body that is malformed, nested too deep, empty, too large, of another type, or shorter than it said.
 */
export const bodyErrors = [
  'INVALID_JSON',
  'JSON_TOO_DEEP',
  'EMPTY_BODY',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BAD_REQUEST',
] as const satisfies readonly ErrorCode[];

/**
 * The same on a POST or DELETE that takes no body: an empty one is accepted, whatever its
 * Content-Type (many clients send `application/json` on every request), but one that is there is parsed.
 */
export const bodylessErrors = bodyErrors.filter((code) => code !== 'EMPTY_BODY') as Exclude<
  (typeof bodyErrors)[number],
  'EMPTY_BODY'
>[];

/** What an enqueue answers when admission control refuses it (see `Admission`). */
export const admissionErrors = ['QUEUE_FULL', 'REDIS_MEMORY_HIGH'] as const satisfies readonly ErrorCode[];
