import { CONTRACT_VERSION_OPTION, contractJsonSchema, jobContracts, queueNames } from '@nightshift/contracts';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth() });

describe('GET /v1/contracts', () => {
  it('lists every queue with its contract version and where its document is', async () => {
    const response = await get('/v1/contracts');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      contracts: queueNames.map((queue) => ({ queue, version: jobContracts[queue].version, schema: `/v1/contracts/${queue}` })),
    });
  });

  it("serves each queue's contract document, the one @nightshift/contracts ships in dist/schemas", async () => {
    for (const queue of queueNames) {
      const response = await get(`/v1/contracts/${queue}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(contractJsonSchema(queue));
    }
  });

  it('answers QUEUE_NOT_FOUND for a queue that has no contract, and 401 without a token', async () => {
    const unknown = await get('/v1/contracts/sms');
    expect({ status: unknown.statusCode, code: unknown.json().code }).toEqual({ status: 404, code: 'QUEUE_NOT_FOUND' });
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/contracts' });
    expect(anonymous.statusCode).toBe(401);
  });
});

/** As fastify-type-provider-zod names a request schema registered as `<Queue>JobData`: `image-processing` → `ImageProcessingJobDataInput`. */
const componentOf = (queue: string) =>
  `${queue
    .split('-')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('')}JobDataInput`;

describe('the OpenAPI document', () => {
  it("refers every request body's payload to its queue's contract document", async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const body = (path: string, method: string) => document.paths[path][method].requestBody.content['application/json'].schema;
    for (const queue of queueNames) {
      const component = componentOf(queue);
      const ref = { $ref: `#/components/schemas/${component}` };
      expect(body(`/v1/queues/${queue}/jobs`, 'post').properties.data).toEqual(ref);
      expect(body(`/v1/queues/${queue}/jobs/bulk`, 'post').properties.jobs.items.properties.data).toEqual(ref);
      expect(body(`/v1/queues/${queue}/schedulers/{id}`, 'put').properties.job.properties.data).toEqual(ref);
      const { $schema, ...payload } = contractJsonSchema(queue).data;
      expect($schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(document.components.schemas[component]).toEqual(payload);
      expect(document.components.schemas[component.replace(/Input$/, '')]).toBeUndefined();
    }
  });
});

describe("a job's view", () => {
  it('shows the contract version it was produced under, and null for one written before versions', async () => {
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/email/jobs',
      headers: auth(),
      payload: { name: 'welcome', data: welcomeEmail() },
    });
    expect(added.statusCode).toBe(202);
    const view = await get(`/v1/queues/email/jobs/${added.json().id}`);
    expect(view.json()).toMatchObject({ contractVersion: jobContracts.email.version });

    const raw = new Queue('email', { connection: { url: t.env.REDIS_URL }, prefix: t.env.QUEUE_PREFIX });
    const old = await raw.add('from-before-versions', welcomeEmail());
    expect(old.id).toMatch(/^[1-9][0-9]*$/);
    await raw.close();
    expect((await get(`/v1/queues/email/jobs/${old.id}`)).json()).toMatchObject({ contractVersion: null });
    expect(CONTRACT_VERSION_OPTION in old.opts).toBe(false);
  });
});
