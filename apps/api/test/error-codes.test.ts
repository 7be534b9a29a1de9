import { readFile } from 'node:fs/promises';
import { parseEnv } from '@nightshift/config';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { envSchema } from '../src/env.js';
import { ApiError, type ErrorCode, errorCodeNames, errorCodes, errorStatusMeanings } from '../src/errors/index.js';
import type { UndeclaredErrorCode } from '../src/plugins/errors.js';
import { errorResponses } from '../src/schemas/errors.js';
import { auth, startTestApp, type TestApp } from './helpers.js';
import { codesOf, declaredCodes, type OpenApiDocument, operationsOf } from './openapi.js';

let t: TestApp;
let document: OpenApiDocument;
beforeAll(async () => {
  t = await startTestApp();
  document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
});
afterAll(() => t.close());

const descriptions = (codes: readonly string[]) => codes.map((code) => errorCodes[code as ErrorCode].description);

/** Codes answered before any route matches (the last two by Node's HTTP parser), so on no route's responses. */
const unrouted: ErrorCode[] = ['ROUTE_NOT_FOUND', 'INVALID_URL', 'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE'];

describe('the OpenAPI document', () => {
  it("lists every code of errors/error-codes.ts, with its description, as the ErrorCode schema of Error's code", () => {
    const schemas = document.components.schemas;
    expect(schemas.ErrorCode?.enum).toEqual(errorCodeNames);
    expect(schemas.ErrorCode?.['x-enum-descriptions']).toEqual(descriptions(errorCodeNames));
    expect(schemas.Error?.properties?.code).toEqual({ $ref: '#/components/schemas/ErrorCode' });
  });

  it('describes every response of every route, and gives each error status the Error schema narrowed to its codes', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(25);
    for (const { name, responses } of operations) {
      expect(codesOf(responses['500'] ?? {})?.codes, `${name} 500`).toEqual(['INTERNAL']);
      for (const [status, response] of Object.entries(responses)) {
        expect(response.description, `${name} ${status}`).toMatch(/^(?!Default Response)\S/);
        const listed = codesOf(response);
        if (Number(status) < 400 || `${name} ${status}` === 'GET /readyz 503') {
          expect(listed, `${name} ${status}`).toBeUndefined();
          continue;
        }
        expect(listed?.codes.length, `${name} ${status}`).toBeGreaterThan(0);
        const codes = (listed?.codes ?? []) as ErrorCode[];
        expect(
          codes.map((code) => errorCodes[code]?.status),
          `${name} ${status}`,
        ).toEqual(codes.map(() => Number(status)));
        expect(listed?.descriptions).toEqual(descriptions(codes));
        const meaning = errorStatusMeanings[Number(status) as keyof typeof errorStatusMeanings];
        const list = codes.map((code) => `- \`${code}\`: ${errorCodes[code].description}`).join('\n');
        expect(response.description).toBe(`${meaning}:\n\n${list}`);
      }
    }
  });

  it('declares every code on some route, except those answered before routing', () => {
    const declared = operationsOf(document).flatMap(declaredCodes);
    expect([...new Set([...declared, ...unrouted])].sort()).toEqual([...errorCodeNames].sort());
  });
});

describe('requests no route matches', () => {
  it('are answered with listed codes, not Fastify’s', async () => {
    const answers = {
      'GET /nowhere': 'ROUTE_NOT_FOUND',
      'GET /v1/nowhere': 'ROUTE_NOT_FOUND',
      'POST /v1/queues/sms/jobs': 'QUEUE_NOT_FOUND',
      'GET /v1/queues/email/jobs/%E0%A4%A': 'INVALID_URL',
      [`GET /v1/queues/email/jobs/${'a'.repeat(257)}`]: 'NOT_FOUND',
    } satisfies Record<string, ErrorCode>;
    for (const [request, code] of Object.entries(answers)) {
      const [method, url] = request.split(' ') as ['GET' | 'POST', string];
      const response = await t.app.inject({ method, url, headers: auth() });
      expect({ status: response.statusCode, code: response.json().code }, request).toEqual({
        status: errorCodes[code].status,
        code,
      });
    }
  });

  it('take job ids as long as a scheduler run’s', async () => {
    const id = `repeat:${'s'.repeat(128)}:1767225600000`;
    const response = await t.app.inject({ method: 'GET', url: `/v1/queues/email/jobs/${id}`, headers: auth() });
    expect(response.json()).toMatchObject({ code: 'JOB_NOT_FOUND', error: `no job ${id} in queue email` });
  });
});

describe('a route answering a code it does not declare', () => {
  const env = () =>
    parseEnv(envSchema, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      REDIS_URL: SHARED_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix('api'),
    });

  it('is reported with the route, the code and what it declares, and still answered', async () => {
    const reported: UndeclaredErrorCode[] = [];
    const app = await buildApp(env(), { onUndeclaredErrorCode: (undeclared) => reported.push(undeclared) });
    app.get('/undeclared', { schema: { response: errorResponses('JOB_NOT_FOUND') } }, async () => {
      throw new ApiError('JOB_LOCKED', 'a child of this job is running');
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/undeclared' });
      expect(response.statusCode).toBe(409);
      expect(reported).toEqual([
        { method: 'GET', url: '/undeclared', code: 'JOB_LOCKED', declared: ['JOB_NOT_FOUND', 'INTERNAL'] },
      ]);
    } finally {
      await app.close();
    }
  });
});

describe("the README's error code table", () => {
  it('is the list, in its order, with each status and description', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map(([, code, status, meaning]) => ({
      code,
      status: Number(status),
      meaning,
    }));
    expect(rows).toEqual(
      errorCodeNames.map((code) => ({ code, status: errorCodes[code].status, meaning: errorCodes[code].description })),
    );
  });
});
