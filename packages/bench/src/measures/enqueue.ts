import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQueue } from '@nightshift/jobs';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { type ApiServer, apiHeaders } from '../api-server.js';
import { ChildServer } from '../child-server.js';
import { alternate, type BenchContext } from '../context.js';
import { EMAIL } from '../fixtures.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const IN_FLIGHT = 64;
/**
 * Batches in flight on the bulk rows: 64 batches of 100 would queue 6,400 scripts on one Redis
 * connection, past the API's Redis command timeout on a busy machine, and it would answer 503s
 * (its backpressure) rather than measure anything.
 */
const BULK_IN_FLIGHT = 8;
const variantNames = ['api', 'apiTraced', 'apiBulk', 'raw', 'rawBulk', 'contract', 'hello', 'bareAdd'] as const;
type Variant = (typeof variantNames)[number];
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const body = JSON.stringify({ name: 'welcome', data: EMAIL });
const BULK_JOBS = 100;
const bulkJobs = Array.from({ length: BULK_JOBS }, () => ({ name: 'welcome', data: EMAIL }));
const bulkBody = JSON.stringify({ jobs: bulkJobs });

/** Jobs per second, and the CPU the producer (the server, or this process for in-process adds) spent per job. */
interface Load {
  rate: number;
  cpuUs?: number;
}

interface Endpoint {
  url: string;
  cpuSeconds(): Promise<number | undefined>;
}

/** Jobs per second over `seconds`, `connections` at once; any answer other than 2xx fails the bench. */
async function httpLoad(
  endpoint: Endpoint,
  seconds: number,
  { requestBody = body, jobsPerRequest = 1, connections = IN_FLIGHT } = {},
): Promise<Load> {
  const before = await endpoint.cpuSeconds();
  const result = await autocannon({
    url: endpoint.url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: apiHeaders,
    body: requestBody,
  });
  const after = await endpoint.cpuSeconds();
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${endpoint.url}: ${result.non2xx} answers other than 2xx and ${result.errors} errors out of ${result.requests.total} (answers by status: ${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  const jobs = result.requests.total * jobsPerRequest;
  const cpuUs = before === undefined || after === undefined ? undefined : ((after - before) * 1e6) / jobs;
  return { rate: jobs / result.duration, cpuUs };
}

/** Jobs per second over `seconds`, with `calls` calls of `jobsPerCall` jobs outstanding at all times. */
async function inFlight(
  seconds: number,
  call: () => Promise<unknown>,
  { calls = IN_FLIGHT, jobsPerCall = 1 } = {},
): Promise<Load> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  let done = 0;
  await Promise.all(
    Array.from({ length: calls }, async () => {
      while (performance.now() < deadline) {
        await call();
        done += jobsPerCall;
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  return { rate: done / ((performance.now() - started) / 1_000), cpuUs: (user + system) / done };
}

/**
 * Jobs per second into the email queue: the API over HTTP (autocannon in this process, the API in
 * its own) beside raw `queue.add`. The rows under it split the difference: `createQueue().add`,
 * a bare Fastify route that adds with raw BullMQ (what HTTP itself costs a producer), and a bare
 * Fastify route that only answers.
 */
export async function measureEnqueue(
  { settings, redis, log, serverNodeArgs }: BenchContext,
  api: ApiServer,
  /** The same API exporting a span for every request and enqueue to a local OTLP receiver. */
  tracedApi: ApiServer,
): Promise<Row[]> {
  const hello = await ChildServer.start({
    script: 'src/servers/hello-server.ts',
    cwd: packageDir,
    env: {},
    readyPath: '/healthz',
    nodeArgs: serverNodeArgs,
  });
  const bareAdd = await ChildServer.start({
    script: 'src/servers/add-server.ts',
    cwd: packageDir,
    env: { REDIS_URL: redis.url },
    readyPath: '/healthz',
    nodeArgs: serverNodeArgs,
  }).catch(async (error: unknown) => {
    await hello.stop();
    throw error;
  });
  const raw = new Queue('email', { connection: { host: '127.0.0.1', port: redis.port } });
  const contract = createQueue('email', { redisUrl: redis.url, prefix: '{bench-enqueue}' });
  const endpoint = (server: { cpuSeconds(): Promise<number | undefined> }, url: string): Endpoint => ({
    url,
    cpuSeconds: () => server.cpuSeconds(),
  });
  const loads = (seconds: number): Record<Variant, () => Promise<Load>> => ({
    api: () => httpLoad(endpoint(api, api.emailJobsUrl), seconds),
    apiTraced: () => httpLoad(endpoint(tracedApi, tracedApi.emailJobsUrl), seconds),
    apiBulk: () =>
      httpLoad(endpoint(api, `${api.emailJobsUrl}/bulk`), seconds, {
        requestBody: bulkBody,
        jobsPerRequest: BULK_JOBS,
        connections: BULK_IN_FLIGHT,
      }),
    raw: () => inFlight(seconds, () => raw.add('welcome', EMAIL)),
    rawBulk: () => inFlight(seconds, () => raw.addBulk(bulkJobs), { calls: BULK_IN_FLIGHT, jobsPerCall: BULK_JOBS }),
    contract: () => inFlight(seconds, () => contract.add('welcome', EMAIL)),
    hello: () => httpLoad(endpoint(hello, `${hello.url}/hello`), seconds),
    bareAdd: () => httpLoad(endpoint(bareAdd, `${bareAdd.url}/add`), seconds),
  });
  const cpu = Object.fromEntries(variantNames.map((name) => [name, [] as number[]])) as Record<Variant, number[]>;
  const counted = (load: Record<Variant, () => Promise<Load>>) =>
    Object.fromEntries(
      variantNames.map((name) => [
        name,
        async () => {
          await redis.flush();
          const { rate, cpuUs } = await load[name]();
          if (cpuUs !== undefined) cpu[name].push(cpuUs);
          return rate;
        },
      ]),
    ) as Record<Variant, () => Promise<number>>;
  try {
    log('enqueue: warming up');
    // Compiles the hot paths and fills the connection pools before anything is counted.
    const warmUp = loads(Math.min(1, settings.enqueueSeconds));
    await alternate(1, Object.fromEntries(variantNames.map((name) => [name, async () => (await warmUp[name]()).rate])));
    log(`enqueue: ${settings.rounds} rounds of ${settings.enqueueSeconds} s per variant`);
    const rounds = await alternate(settings.rounds, counted(loads(settings.enqueueSeconds)));
    await redis.flush();
    const rate = Object.fromEntries(variantNames.map((name) => [name, median(rounds[name])])) as Record<Variant, number>;
    const cpuDetail = (name: Variant, per: string) =>
      cpu[name].length > 0 ? `${Math.round(median(cpu[name]))} µs CPU/${per}` : undefined;
    /** One row: variant `ours` beside variant `beside`, with their CPU per job (or per request) and every round. */
    const compare = (id: string, label: string, ours: Variant, beside: Variant, per: 'job' | 'request' = 'job'): Row => ({
      id,
      label,
      unit: per === 'job' ? 'jobs/s' : 'req/s',
      ours: rate[ours],
      beside: rate[beside],
      ratio: rate[ours] / rate[beside],
      detail: { ours: cpuDetail(ours, per), beside: cpuDetail(beside, per) },
      rounds: { ours: rounds[ours], beside: rounds[beside] },
    });
    // The API is held to what any HTTP producer costs (the bare route with a raw add), in CPU per job:
    // its rate beside raw `queue.add` mostly shows the HTTP floor, which no producer over HTTP gets under.
    const apiCpuTarget = 1.5;
    const cpuRatio = (ours: Variant, beside: Variant) => median(cpu[ours]) / median(cpu[beside]);
    return [
      compare(
        'enqueue-api',
        'Enqueue: API `POST /v1/queues/email/jobs` (autocannon, 64 conns) vs raw `queue.add` (64 in flight)',
        'api',
        'raw',
      ),
      compare(
        'enqueue-api-traced',
        '↳ API with tracing on (every request sampled, OTLP/HTTP to a local receiver) vs off',
        'apiTraced',
        'api',
      ),
      {
        ...compare(
          'enqueue-api-bulk',
          `↳ API \`POST /v1/queues/email/jobs/bulk\`, ${BULK_JOBS} jobs a request (${BULK_IN_FLIGHT} conns) vs raw \`queue.addBulk\` of the same batches (${BULK_IN_FLIGHT} in flight)`,
          'apiBulk',
          'rawBulk',
        ),
        target: '≥ 0.9',
        met: rate.apiBulk / rate.rawBulk >= 0.9,
      },
      compare(
        'enqueue-library',
        '↳ `createQueue().add` (validation, default options) vs raw `queue.add`, 64 in flight',
        'contract',
        'raw',
      ),
      compare(
        'enqueue-http-add-floor',
        '↳ a bare Fastify route that adds with raw BullMQ (64 conns) vs raw `queue.add`: the floor for any HTTP producer',
        'bareAdd',
        'raw',
      ),
      {
        ...compare(
          'enqueue-api-vs-add-floor',
          '↳ API vs that bare Fastify + raw add route: what auth, validation, rate limit, headers, logs and metrics cost',
          'api',
          'bareAdd',
        ),
        target: `CPU/job ≤ ${apiCpuTarget}×`,
        met: cpu.api.length > 0 && cpu.bareAdd.length > 0 ? cpuRatio('api', 'bareAdd') <= apiCpuTarget : undefined,
      },
      compare(
        'enqueue-http-floor',
        '↳ API vs a bare Fastify `POST /hello` (same body, 64 conns): the HTTP floor',
        'api',
        'hello',
        'request',
      ),
    ];
  } finally {
    await Promise.allSettled([raw.close(), contract.close(), hello.stop(), bareAdd.stop()]);
  }
}
