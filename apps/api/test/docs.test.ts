import { emailTemplates, imageOperationSchema } from '@nightshift/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp } from './helpers.js';

interface MediaType {
  schema?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string }[];
}

let t: TestApp;
let document: Document;
let operations: { method: string; path: string; operation: Operation }[];
beforeAll(async () => {
  t = await startTestApp();
  document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
  operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
});
afterAll(() => t.close());

const examplesOf = (operation: Operation) => operation.requestBody?.content['application/json']?.examples ?? {};

describe('the OpenAPI document', () => {
  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(document.paths['/v1/queues/email/jobs']?.post?.operationId).toBe('addEmailJob');
    expect(document.paths['/v1/queues/{queue}/jobs/{id}/retry']?.post?.operationId).toBe('retryQueueJob');
  });

  it('sums every operation up in a sentence that starts with a capital and gets its articles right', () => {
    for (const { method, path, operation } of operations) {
      const summary = operation.summary ?? '';
      expect(summary, `${method} ${path}`).toMatch(/^[A-Z][a-z]+ /);
      expect(summary, `${method} ${path}`).not.toMatch(/\ba [aeiou]|\ban [^aeiou\s]|\.$/i);
    }
    expect(document.paths['/v1/queues/email/jobs']?.post?.summary).toBe('Add an email job');
  });

  it('names what each response means and gives every response with a body its schema', () => {
    for (const { method, path, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const name = `${method} ${path} ${status}`;
        expect(response.description, name).toBeTruthy();
        expect(response.description, name).not.toBe('Default Response');
        // 204 and redirects have no body; /metrics answers Prometheus text.
        if (status === '204' || status.startsWith('3')) continue;
        const media = Object.values(response.content ?? {});
        expect(media.length, name).toBeGreaterThan(0);
        for (const { schema } of media) expect(schema, name).toBeTruthy();
      }
    }
  });

  it('shows an example for every email template, each image operation and a report', () => {
    const emailNames = Object.values(examplesOf(document.paths['/v1/queues/email/jobs']?.post as Operation)).map(
      ({ value }) => (value as { data: { template: string } }).data.template,
    );
    expect([...new Set(emailNames)].sort()).toEqual([...emailTemplates].sort());
    const imageOperations = Object.values(examplesOf(document.paths['/v1/queues/image-processing/jobs']?.post as Operation))
      .flatMap(({ value }) => (value as { data: { operations: { type: string }[] } }).data.operations)
      .map((operation) => operation.type);
    expect([...new Set(imageOperations)].sort()).toEqual(
      imageOperationSchema.options.map((option) => option.shape.type.value).sort(),
    );
    expect(Object.keys(examplesOf(document.paths['/v1/reports/{reportId}']?.put as Operation))).toContain('report');
  });

  it('has request examples a person can send as they are: the API takes each one', async () => {
    const withExamples = operations.filter(({ operation }) => Object.keys(examplesOf(operation)).length > 0);
    // Reports first: the flow's example renders the report stored under the pdf example's id.
    withExamples.sort((a, b) => Number(b.path.startsWith('/v1/reports/')) - Number(a.path.startsWith('/v1/reports/')));
    expect(withExamples.length).toBeGreaterThan(10);
    for (const { method, path, operation } of withExamples) {
      for (const [name, { value }] of Object.entries(examplesOf(operation))) {
        const reportId = path.startsWith('/v1/reports/') ? 'r-1' : 'docs-example';
        const url = path.replace('{reportId}', reportId).replace('{id}', `docs-example-${name.replace(/[^A-Za-z0-9_.-]/g, '-')}`);
        const response = await t.app.inject({ method: method as 'POST' | 'PUT', url, headers: auth(), payload: value as object });
        expect(response.statusCode, `${method} ${path} example ${name}: ${response.body}`).toBeLessThan(300);
      }
    }
  });

  it('lists the main routes before health and metrics', () => {
    const paths = Object.keys(document.paths);
    const firstOperational = paths.findIndex((path) => !path.startsWith('/v1/'));
    expect(paths.slice(firstOperational).every((path) => !path.startsWith('/v1/'))).toBe(true);
    expect(paths[0]).toMatch(/^\/v1\//);
    expect(document.tags.at(-1)?.name).toBe('operations');
    expect(document.tags[0]?.name).toBe('jobs');
  });
});

describe('the docs page', () => {
  it('is branded Nightshift: its title, favicon and logo, not the framework’s', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Nightshift API</title>');
    expect(page.body).toContain('theme/favicon.svg');
    expect(page.body).not.toContain('favicon-32x32.png');
    const favicon = await t.app.inject({ method: 'GET', url: '/docs/static/theme/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.body).toContain('aria-label="Nightshift"');
    const initializer = await t.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('data:image/svg+xml;base64,');
  });
});
