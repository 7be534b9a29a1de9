import { MAX_JSON_DEPTH } from '../lib/json-depth.js';

/**
 * Every code the API answers an error with, its HTTP status, and what a client can do about it:
 * the one list. `ApiError`, the error handler, each route's OpenAPI responses and the README's
 * table are built from it or checked against it, so a code missing here does not compile.
 * Codes are stable: clients branch on them, so a code is added or retired, never renamed.
 */
export const errorCodes = {
  INVALID_REQUEST: {
    status: 400,
    description: "A body, query or header field does not fit the route's schema: `issues` names each field and why.",
  },
  INVALID_JSON: {
    status: 400,
    description: 'The body is not valid JSON, or holds a `__proto__` or `constructor.prototype` key: send plain JSON.',
  },
  JSON_TOO_DEEP: {
    status: 400,
    description: `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep, which no contract needs: it is refused before it is parsed.`,
  },
  EMPTY_BODY: {
    status: 400,
    description:
      'The body is empty where the route takes one: a JSON Content-Type with no body (send JSON), or an empty upload. Routes that take no body accept an empty one, whatever its Content-Type.',
  },
  BAD_REQUEST: {
    status: 400,
    description:
      'The request could not be read (a malformed request line or header, a body that does not match its Content-Length, an upload cut off): `error` says what.',
  },
  INVALID_URL: {
    status: 400,
    description: 'The path holds a malformed percent-encoding: encode each segment with encodeURIComponent.',
  },
  INVALID_JOB_DATA: {
    status: 400,
    description:
      "A job built from stored data (a report stored by an older version) does not fit its queue's contract: `issues` names the fields; store it again.",
  },
  UNAUTHORIZED: {
    status: 401,
    description:
      'The bearer token (for the dashboard, the basic credentials) is missing or wrong: send `Authorization: Bearer <token>`.',
  },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    description:
      "The webhook's signature headers (`svix-id`, `svix-timestamp`, `svix-signature`) are missing or do not verify with `RESEND_WEBHOOK_SECRET`, or its timestamp is too old: nothing was recorded.",
  },
  LINK_EXPIRED: {
    status: 403,
    description: 'The signed download link has expired: ask for a new one, or use a bearer token.',
  },
  UNSUBSCRIBE_LINK_INVALID: {
    status: 403,
    description: 'The unsubscribe link was altered or cut short: use the link from the email as it is.',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    description: 'No route has this method and path: the routes are listed at /docs.',
  },
  QUEUE_NOT_FOUND: {
    status: 404,
    description: "The queue in the path is not one of the job contracts' queues: `error` lists them.",
  },
  NOT_FOUND: {
    status: 404,
    description: 'A path parameter has characters or a length no id has, so nothing by that name exists: `issues` names it.',
  },
  JOB_NOT_FOUND: {
    status: 404,
    description:
      'No job with this id in this queue: it never existed, or was removed (finished jobs are kept for a time, in limited numbers).',
  },
  SCHEDULER_NOT_FOUND: {
    status: 404,
    description: 'No job scheduler with this id in this queue.',
  },
  FILE_NOT_FOUND: {
    status: 404,
    description: 'No output file with this id: the job that writes it has not finished, or failed.',
  },
  REPORT_NOT_FOUND: {
    status: 404,
    description: 'No report with this id: store it with `PUT /v1/reports/{reportId}` first.',
  },
  IMAGE_NOT_FOUND: {
    status: 404,
    description: 'An image id names no upload: upload it with `POST /v1/images` first.',
  },
  ENDPOINT_NOT_FOUND: {
    status: 404,
    description: 'No endpoint with this id on this queue: register it with `PUT /v1/<queue>-endpoints/{id}` first.',
  },
  SUPPRESSION_NOT_FOUND: {
    status: 404,
    description: 'This address is not on the suppression list: email to it is sent.',
  },
  IDEMPOTENCY_KEY_IN_USE: {
    status: 409,
    description: 'A request with this Idempotency-Key is still being processed: retry after `Retry-After` seconds.',
  },
  JOB_NOT_FAILED: {
    status: 409,
    description: 'Only a failed job can be retried, and this one is not failed: `error` names its state.',
  },
  JOB_LOCKED: {
    status: 409,
    description: 'The job, or a child of it, is being processed and cannot be removed: cancel the running job, or retry later.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    description: 'The request headers did not arrive within `HEADERS_TIMEOUT_MS`: the connection is closed.',
  },
  BODY_TOO_LARGE: {
    status: 413,
    description: "The body exceeds the route's limit (`BODY_LIMIT_BYTES`; `REPORT_MAX_BYTES` for reports): `error` gives it.",
  },
  IMAGE_TOO_LARGE: {
    status: 413,
    description: 'The image exceeds `IMAGE_MAX_BYTES`: `error` gives the limit.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: 'The Content-Type is not one this route reads: `error` lists those it does.',
  },
  IMAGE_TYPE_MISMATCH: {
    status: 415,
    description: "The upload's first bytes are not those of the image type its Content-Type names.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    description:
      'This Idempotency-Key was first sent with a different request (name, data or options): send that request again, or use a new key for a new job.',
  },
  EMAIL_SUPPRESSED: {
    status: 422,
    description:
      'The recipient is on the suppression list (it bounced, complained, or unsubscribed from bulk mail): `error` says why and when. Lift it with `DELETE /v1/suppressions/{email}`, or send `"ignoreSuppression": true` in the job data.',
  },
  RATE_LIMITED: {
    status: 429,
    description:
      'This token (without a valid token, this IP) used up its requests for the window, or this IP its failed dashboard logins: retry after `Retry-After` seconds.',
  },
  QUEUE_FULL: {
    status: 429,
    description:
      'The queue holds more jobs waiting to run than its bound (`ADMISSION_MAX_WAITING`, shown in `GET /v1/queues`): nothing was added; retry after `Retry-After` seconds.',
  },
  REDIS_MEMORY_HIGH: {
    status: 429,
    description:
      "Redis memory is past the queue's share of `maxmemory` (`ADMISSION_MAX_MEMORY_SHARE`, shown in `GET /v1/queues`): nothing was added; retry after `Retry-After` seconds.",
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    description:
      "The request headers exceed Node's limit (16 KiB unless `--max-http-header-size` says otherwise): send fewer or shorter ones.",
  },
  INTERNAL: {
    status: 500,
    description: "An unexpected failure, logged under the response's `x-request-id`: report it with that id.",
  },
  REDIS_UNAVAILABLE: {
    status: 503,
    description:
      'Redis did not answer: retry after `Retry-After` seconds. An add that timed out may have happened: retry it with the same Idempotency-Key.',
  },
  REDIS_FULL: {
    status: 503,
    description:
      'Redis reached its `maxmemory` and refuses writes: nothing was changed; retry after `Retry-After` seconds, as workers finish jobs and free memory.',
  },
  STORAGE_UNAVAILABLE: {
    status: 503,
    description:
      'The file store (`STORAGE_URL`: a folder or an S3 bucket) did not answer: nothing was stored or changed; retry after `Retry-After` seconds.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;
export type ErrorStatus = (typeof errorCodes)[ErrorCode]['status'];

export const errorCodeNames = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

/** What each error status means, whichever code it carries: the description of a route's response for that status. */
export const errorStatusMeanings: Record<ErrorStatus, string> = {
  400: 'The request is malformed or does not fit the schema',
  401: 'Not authenticated',
  403: 'Not allowed',
  404: 'Not found',
  408: 'The request did not arrive in time',
  409: 'In conflict with the current state',
  413: 'Too large',
  415: 'Unsupported media type',
  431: 'Request headers too large',
  422: 'Well-formed, but refused: it conflicts with an earlier request, or a rule such as the suppression list forbids it',
  429: 'Too many requests',
  500: 'Unexpected failure',
  503: 'A service the API needs (Redis, the file store) is unavailable or full',
};
