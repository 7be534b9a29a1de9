import { endpointQueueNames, jobContracts, type QueueName, queueNames } from '@nightshift/contracts';
import type { SendOptions } from '../src/index.js';
import { report, welcomeEmail } from './payloads.js';

/**
 * Every write route of the API with what it must refuse. `names` is what the answer has to point
 * at: a field path among its `issues` (or in its message), or, where there is no field (malformed
 * JSON, a raw upload), the words that say what is wrong.
 */
export interface BadInputCase {
  route: string;
  label: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  options?: SendOptions;
  status: number;
  names: string;
}

/** A valid body per queue (the first example of its contract), so each case breaks exactly one thing. */
const validJob = Object.fromEntries(
  queueNames.map((queue) => [queue, { name: 'example', data: jobContracts[queue].examples[0] }]),
) as Record<QueueName, { name: string; data: Record<string, unknown> }>;
const validScheduler = (queue: QueueName) => ({ every: 60_000, job: validJob[queue] });
const validFlow = { reportId: 'q3', userId: 'u_1', format: 'pdf', to: 'ada@example.com' };

const long = (length: number) => 'x'.repeat(length);
/** Splices raw JSON members into a valid body, for keys JSON.stringify would not write as given. */
const withRaw = (body: object, members: string) => `{${members},${JSON.stringify(body).slice(1)}`;

/** What every JSON body route must refuse, whatever its schema. */
function jsonBodyCases(route: string, method: 'POST' | 'PUT', path: string, valid: object): BadInputCase[] {
  const base = { route, method, path };
  return [
    { ...base, label: 'malformed JSON', options: { body: '{"name": ' }, status: 400, names: 'not valid JSON' },
    {
      ...base,
      label: 'a __proto__ key',
      options: { body: withRaw(valid, '"__proto__":{"admin":true}') },
      status: 400,
      names: '__proto__',
    },
    {
      ...base,
      label: 'a constructor.prototype key',
      options: { body: withRaw(valid, '"constructor":{"prototype":{"admin":true}}') },
      status: 400,
      names: 'constructor',
    },
    { ...base, label: 'a constructor key', options: { body: { ...valid, constructor: 1 } }, status: 400, names: 'constructor' },
    { ...base, label: 'an unknown field', options: { body: { ...valid, sneaky: true } }, status: 400, names: 'sneaky' },
    { ...base, label: 'an array for the body', options: { body: [valid] }, status: 400, names: 'expected object' },
    {
      ...base,
      label: 'a body over its size limit',
      options: { body: { ...valid, pad: long(300_000) } },
      status: 413,
      names: 'too large',
    },
  ];
}

function queueCases(queue: QueueName): BadInputCase[] {
  const jobs = `/v1/queues/${queue}/jobs`;
  const schedulers = `/v1/queues/${queue}/schedulers/nightly`;
  const job = validJob[queue];
  const route = (name: string) => `${name} (${queue})`;
  return [
    ...jsonBodyCases(route('add job'), 'POST', jobs, job),
    {
      route: route('add job'),
      label: 'a number for the name',
      method: 'POST',
      path: jobs,
      options: { body: { ...job, name: 42 } },
      status: 400,
      names: 'name',
    },
    {
      route: route('add job'),
      label: 'an oversized name',
      method: 'POST',
      path: jobs,
      options: { body: { ...job, name: long(10_000) } },
      status: 400,
      names: 'name',
    },
    {
      route: route('add job'),
      label: 'no data',
      method: 'POST',
      path: jobs,
      options: { body: { name: job.name } },
      status: 400,
      names: 'data',
    },
    {
      route: route('add job'),
      label: 'an unknown data field',
      method: 'POST',
      path: jobs,
      options: { body: { ...job, data: { ...job.data, extra: 1 } } },
      status: 400,
      names: 'data.extra',
    },
    {
      route: route('add job'),
      label: 'attempts 0',
      method: 'POST',
      path: jobs,
      options: { body: { ...job, opts: { attempts: 0 } } },
      status: 400,
      names: 'opts.attempts',
    },
    {
      route: route('add job'),
      label: 'a jobId option',
      method: 'POST',
      path: jobs,
      options: { body: { ...job, opts: { jobId: 'mine' } } },
      status: 400,
      names: 'opts.jobId',
    },
    {
      route: route('add job'),
      label: 'an Idempotency-Key with spaces',
      method: 'POST',
      path: jobs,
      options: { body: job, headers: { 'idempotency-key': 'not a key' } },
      status: 400,
      names: 'idempotency-key',
    },
    ...jsonBodyCases(route('add bulk'), 'POST', `${jobs}/bulk`, { jobs: [job] }),
    {
      route: route('add bulk'),
      label: 'a string for jobs',
      method: 'POST',
      path: `${jobs}/bulk`,
      options: { body: { jobs: 'all' } },
      status: 400,
      names: 'jobs',
    },
    {
      route: route('add bulk'),
      label: 'no jobs',
      method: 'POST',
      path: `${jobs}/bulk`,
      options: { body: { jobs: [] } },
      status: 400,
      names: 'jobs',
    },
    {
      route: route('add bulk'),
      label: '1001 jobs',
      method: 'POST',
      path: `${jobs}/bulk`,
      options: { body: { jobs: Array(1_001).fill({ name: 'x', data: {} }) } },
      status: 400,
      names: 'jobs',
    },
    {
      route: route('add bulk'),
      label: 'one bad job among good ones',
      method: 'POST',
      path: `${jobs}/bulk`,
      options: { body: { jobs: [job, job, { ...job, name: '' }] } },
      status: 400,
      names: 'jobs[2].name',
    },
    ...jsonBodyCases(route('upsert scheduler'), 'PUT', schedulers, validScheduler(queue)),
    {
      route: route('upsert scheduler'),
      label: 'a string for every',
      method: 'PUT',
      path: schedulers,
      options: { body: { ...validScheduler(queue), every: 'daily' } },
      status: 400,
      names: 'every',
    },
    {
      route: route('upsert scheduler'),
      label: 'both pattern and every',
      method: 'PUT',
      path: schedulers,
      options: { body: { ...validScheduler(queue), pattern: '0 8 * * *' } },
      status: 400,
      names: 'pattern',
    },
    {
      route: route('upsert scheduler'),
      label: 'a broken cron pattern',
      method: 'PUT',
      path: schedulers,
      options: { body: { pattern: '61 * * * *', job } },
      status: 400,
      names: 'pattern',
    },
    {
      route: route('upsert scheduler'),
      label: 'an oversized pattern',
      method: 'PUT',
      path: schedulers,
      options: { body: { pattern: long(300), job } },
      status: 400,
      names: 'pattern',
    },
    {
      route: route('upsert scheduler'),
      label: 'an unknown time zone',
      method: 'PUT',
      path: schedulers,
      options: { body: { pattern: '0 8 * * *', tz: 'Mars/Olympus', job } },
      status: 400,
      names: 'tz',
    },
    {
      route: route('upsert scheduler'),
      label: 'an id with a slash',
      method: 'PUT',
      path: `/v1/queues/${queue}/schedulers/a%2Fb`,
      options: { body: validScheduler(queue) },
      status: 404,
      names: 'id',
    },
  ];
}

/** The endpoint routes of a queue whose contract declares endpoints: bad secrets, bad ids, endpoints never registered. */
function endpointCases(queue: string): BadInputCase[] {
  const path = `/v1/${queue}-endpoints/shop-1`;
  const route = (name: string) => `${name} (${queue})`;
  return [
    ...jsonBodyCases(route('register endpoint'), 'PUT', path, {}),
    {
      route: route('register endpoint'),
      label: 'a secret not in the Standard Webhooks form',
      method: 'PUT',
      path,
      options: { body: { secret: 'hunter2' } },
      status: 400,
      names: 'secret',
    },
    {
      route: route('register endpoint'),
      label: 'an id with a slash',
      method: 'PUT',
      path: `/v1/${queue}-endpoints/a%2Fb`,
      options: { body: {} },
      status: 404,
      names: 'id',
    },
    {
      route: route('enable endpoint'),
      label: 'an endpoint never registered',
      method: 'POST',
      path: `${path}/enable`,
      status: 404,
      names: 'shop-1',
    },
  ];
}

/** Contract fields only some queues have. */
const contractCases: BadInputCase[] = [
  {
    route: 'add job (email)',
    label: 'a number for to',
    method: 'POST',
    path: '/v1/queues/email/jobs',
    options: { body: { name: 'w', data: { ...welcomeEmail(1).data, to: 42 } } },
    status: 400,
    names: 'data.to',
  },
  {
    route: 'add job (email)',
    label: 'an unknown template',
    method: 'POST',
    path: '/v1/queues/email/jobs',
    options: { body: { name: 'w', data: { ...welcomeEmail(1).data, template: 'newsletter' } } },
    status: 400,
    names: 'data.template',
  },
  {
    route: 'add job (email)',
    label: 'an oversized subject',
    method: 'POST',
    path: '/v1/queues/email/jobs',
    options: { body: { name: 'w', data: { ...welcomeEmail(1).data, subject: long(201) } } },
    status: 400,
    names: 'data.subject',
  },
  {
    route: 'add job (email)',
    label: '51 digest items',
    method: 'POST',
    path: '/v1/queues/email/jobs',
    options: {
      body: {
        name: 'd',
        data: {
          to: 'a@example.com',
          template: 'weekly-digest',
          data: { items: Array(51).fill({ title: 't', url: 'https://example.com' }) },
        },
      },
    },
    status: 400,
    names: 'data.data.items',
  },
  {
    route: 'add job (pdf)',
    label: 'a path for reportId',
    method: 'POST',
    path: '/v1/queues/pdf/jobs',
    options: { body: { name: 'r', data: { ...validJob.pdf.data, reportId: '../../etc/passwd' } } },
    status: 400,
    names: 'data.reportId',
  },
  {
    route: 'add job (image-processing)',
    label: '21 operations',
    method: 'POST',
    path: '/v1/queues/image-processing/jobs',
    options: {
      body: { name: 't', data: { imageId: 'img1', operations: Array(21).fill({ type: 'convert', params: { format: 'png' } }) } },
    },
    status: 400,
    names: 'data.operations',
  },
];

const unknownQueueCases: BadInputCase[] = [
  {
    route: 'add job',
    label: 'an unknown queue',
    method: 'POST',
    path: '/v1/queues/sms/jobs',
    options: { body: validJob.email },
    status: 404,
    names: 'sms',
  },
  {
    route: 'add bulk',
    label: 'an unknown queue',
    method: 'POST',
    path: '/v1/queues/sms/jobs/bulk',
    options: { body: { jobs: [validJob.email] } },
    status: 404,
    names: 'sms',
  },
  {
    route: 'upsert scheduler',
    label: 'an unknown queue',
    method: 'PUT',
    path: '/v1/queues/sms/schedulers/s1',
    options: { body: validScheduler('email') },
    status: 404,
    names: 'sms',
  },
  {
    route: 'remove scheduler',
    label: 'an unknown queue',
    method: 'DELETE',
    path: '/v1/queues/sms/schedulers/s1',
    status: 404,
    names: 'queue',
  },
  { route: 'pause', label: 'an unknown queue', method: 'POST', path: '/v1/queues/sms/pause', status: 404, names: 'queue' },
  { route: 'resume', label: 'an unknown queue', method: 'POST', path: '/v1/queues/sms/resume', status: 404, names: 'queue' },
  {
    route: 'retry job',
    label: 'an unknown queue',
    method: 'POST',
    path: '/v1/queues/sms/jobs/j1/retry',
    status: 404,
    names: 'queue',
  },
  {
    route: 'retry job',
    label: 'an id with spaces',
    method: 'POST',
    path: '/v1/queues/email/jobs/a%20b/retry',
    status: 404,
    names: 'id',
  },
  {
    route: 'remove job',
    label: 'an unknown queue',
    method: 'DELETE',
    path: '/v1/queues/sms/jobs/j1',
    status: 404,
    names: 'queue',
  },
  {
    route: 'remove job',
    label: 'an oversized reason',
    method: 'DELETE',
    path: `/v1/queues/email/jobs/00000000-0000-4000-8000-000000000000?reason=${long(501)}`,
    status: 400,
    names: 'reason',
  },
  {
    route: 'remove job',
    label: 'an unknown query field',
    method: 'DELETE',
    path: '/v1/queues/email/jobs/00000000-0000-4000-8000-000000000000?force=1',
    status: 400,
    names: 'force',
  },
];

const fileCases: BadInputCase[] = [
  ...jsonBodyCases('store report', 'PUT', '/v1/reports/q3', report),
  {
    route: 'store report',
    label: 'a string for rows',
    method: 'PUT',
    path: '/v1/reports/q3',
    options: { body: { ...report, rows: 'all' } },
    status: 400,
    names: 'rows',
  },
  {
    route: 'store report',
    label: 'an oversized title',
    method: 'PUT',
    path: '/v1/reports/q3',
    options: { body: { ...report, title: long(301) } },
    status: 400,
    names: 'title',
  },
  {
    route: 'store report',
    label: '51 columns',
    method: 'PUT',
    path: '/v1/reports/q3',
    options: { body: { ...report, columns: Array.from({ length: 51 }, (_, i) => ({ key: `c${i}`, label: 'C' })) } },
    status: 400,
    names: 'columns',
  },
  {
    route: 'store report',
    label: 'a row key that is no column',
    method: 'PUT',
    path: '/v1/reports/q3',
    options: { body: { ...report, rows: [{ town: 'Lyon' }] } },
    status: 400,
    names: 'rows[0].town',
  },
  {
    route: 'store report',
    label: 'a path for reportId',
    method: 'PUT',
    path: '/v1/reports/..%2F..%2Fetc',
    options: { body: report },
    status: 404,
    names: 'reportId',
  },
  {
    route: 'upload image',
    label: 'a JSON body',
    method: 'POST',
    path: '/v1/images',
    options: { body: { image: 'x' } },
    status: 415,
    names: 'application/json',
  },
  {
    route: 'upload image',
    label: 'an empty body',
    method: 'POST',
    path: '/v1/images',
    options: { body: '', contentType: 'image/png' },
    status: 400,
    names: 'empty',
  },
  {
    route: 'upload image',
    label: 'text labelled image/png',
    method: 'POST',
    path: '/v1/images',
    options: { body: 'hello, not a picture', contentType: 'image/png' },
    status: 415,
    names: 'image/png',
  },
  {
    route: 'upload image',
    label: 'bytes over IMAGE_MAX_BYTES',
    method: 'POST',
    path: '/v1/images',
    options: { body: new Uint8Array(4_096), contentType: 'image/png' },
    status: 413,
    names: 'exceeds the limit',
  },
  ...jsonBodyCases('report delivery', 'POST', '/v1/flows/report-delivery', validFlow),
  {
    route: 'report delivery',
    label: 'a number for userId',
    method: 'POST',
    path: '/v1/flows/report-delivery',
    options: { body: { ...validFlow, userId: 42 } },
    status: 400,
    names: 'userId',
  },
  {
    route: 'report delivery',
    label: 'an oversized address',
    method: 'POST',
    path: '/v1/flows/report-delivery',
    options: { body: { ...validFlow, to: `${long(300)}@example.com` } },
    status: 400,
    names: 'to',
  },
  {
    route: 'report delivery',
    label: '21 images',
    method: 'POST',
    path: '/v1/flows/report-delivery',
    options: { body: { ...validFlow, imageIds: Array(21).fill('img1') } },
    status: 400,
    names: 'imageIds',
  },
  {
    route: 'report delivery',
    label: 'a report never stored',
    method: 'POST',
    path: '/v1/flows/report-delivery',
    options: { body: validFlow },
    status: 404,
    names: 'q3',
  },
];

/** Failure groups, suppressions, the unsubscribe link and Resend's webhook: bad ids, addresses and signatures (a path that names nothing is a 404). */
const operatorAndEmailCases: BadInputCase[] = [
  {
    route: 'retry failure group',
    label: 'a fingerprint that is not 16 hex digits',
    method: 'POST',
    path: '/v1/queues/email/failures/not-a-group/retry',
    status: 404,
    names: 'fingerprint',
  },
  {
    route: 'remove failure group',
    label: 'a fingerprint that is not 16 hex digits',
    method: 'DELETE',
    path: '/v1/queues/email/failures/ZZZZ',
    status: 404,
    names: 'fingerprint',
  },
  {
    route: 'lift suppression',
    label: 'an address that is not one',
    method: 'DELETE',
    path: '/v1/suppressions/not-an-address',
    status: 404,
    names: 'email',
  },
  {
    route: 'unsubscribe',
    label: 'a link without its signature',
    method: 'POST',
    path: '/v1/unsubscribe?email=ann%40example.com',
    status: 400,
    names: 'signature',
  },
  {
    route: 'resend webhook',
    label: 'an event without a signature',
    method: 'POST',
    path: '/v1/webhooks/resend',
    options: { body: { type: 'email.bounced', data: { to: ['ann@example.com'] } } },
    status: 401,
    names: 'RESEND_WEBHOOK_SECRET',
  },
];

export const badInputCases: BadInputCase[] = [
  ...queueNames.flatMap(queueCases),
  ...operatorAndEmailCases,
  ...endpointQueueNames.flatMap(endpointCases),
  ...contractCases,
  ...unknownQueueCases,
  ...fileCases,
];

/** Write routes the table covers: a new route without cases shows up as a failure, not as a gap. */
export const coveredWriteRoutes = [
  'POST /v1/queues/:queue/jobs',
  'POST /v1/queues/:queue/jobs/bulk',
  'PUT /v1/queues/:queue/schedulers/:id',
  'DELETE /v1/queues/:queue/schedulers/:id',
  'POST /v1/queues/:queue/pause',
  'POST /v1/queues/:queue/resume',
  'POST /v1/queues/:queue/jobs/:id/retry',
  'DELETE /v1/queues/:queue/jobs/:id',
  'PUT /v1/reports/:reportId',
  'POST /v1/images',
  'POST /v1/flows/report-delivery',
  'POST /v1/queues/:queue/failures/:fingerprint/retry',
  'DELETE /v1/queues/:queue/failures/:fingerprint',
  'DELETE /v1/suppressions/:email',
  'POST /v1/unsubscribe',
  'POST /v1/webhooks/resend',
  ...endpointQueueNames.flatMap((queue) => [`PUT /v1/${queue}-endpoints/:id`, `POST /v1/${queue}-endpoints/:id/enable`]),
];
