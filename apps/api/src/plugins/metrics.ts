import { queueNames } from '@nightshift/contracts';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { errorResponses } from '../schemas/errors.js';
import { jobStates } from '../schemas/jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
  }
}

/** Prometheus metrics on a registry of this app's own (tests build several apps in one process). */
export const metricsPlugin = fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'nightshift_api_' });
    const labelNames = ['method', 'route', 'status'] as const;
    const requests = new Counter({
      name: 'nightshift_api_http_requests_total',
      help: 'HTTP requests answered',
      labelNames,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'nightshift_api_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    new Gauge({
      name: 'nightshift_redis_up',
      help: '1 while the producer connection to Redis is ready',
      registers: [registry],
      collect() {
        this.set(app.redis.status === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'nightshift_queue_jobs',
      help: 'Jobs per queue and state, read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const counts = await Promise.all(queueNames.map((name) => app.queues[name].getJobCounts(...jobStates)));
          counts.forEach((byState, index) => {
            for (const state of jobStates) this.set({ queue: queueNames[index], state }, byState[state] ?? 0);
          });
        } catch (error) {
          // A scrape while Redis is down still answers, without queue counts (nightshift_redis_up says why).
          app.log.debug({ err: error }, 'queue counts unavailable');
        }
      },
    });

    new Gauge({
      name: 'nightshift_queue_paused',
      help: '1 while the queue is paused',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const paused = await Promise.all(queueNames.map((name) => app.queues[name].isPaused()));
          paused.forEach((value, index) => {
            this.set({ queue: queueNames[index] }, value ? 1 : 0);
          });
        } catch (error) {
          app.log.debug({ err: error }, 'queue state unavailable');
        }
      },
    });

    new Gauge({
      name: 'nightshift_queue_oldest_waiting_seconds',
      help: 'Age of the oldest job waiting for a worker, counted from when it could first run; 0 when none waits',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const now = Date.now();
          // `asc` puts the job that has waited longest first; one job per queue is read.
          const oldest = await Promise.all(queueNames.map((name) => app.queues[name].getJobs(['wait'], 0, 0, true)));
          oldest.forEach(([job], index) => {
            const runnableSince = job ? job.timestamp + (job.opts.delay ?? 0) : now;
            this.set({ queue: queueNames[index] }, Math.max(0, now - runnableSince) / 1_000);
          });
        } catch (error) {
          app.log.debug({ err: error }, 'oldest waiting jobs unavailable');
        }
      },
    });

    new Gauge({
      name: 'nightshift_queue_workers',
      help: 'Worker connections listening on the queue, as Redis lists its clients',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          const counts = await Promise.all(queueNames.map((name) => app.queues[name].getWorkersCount()));
          counts.forEach((count, index) => {
            this.set({ queue: queueNames[index] }, count);
          });
        } catch (error) {
          // Some managed Redis services refuse CLIENT LIST: the gauge is then absent, and the alert on `up` remains.
          app.log.debug({ err: error }, 'worker counts unavailable');
        }
      },
    });

    // One pair of label children per method, route and status, found by a string: prom-client hashes a label object on every call otherwise.
    const series = new Map<string, { count: { inc(): void }; time: { observe(value: number): void } }>();
    app.addHook('onResponse', (request, reply, done) => {
      // The route pattern, not the URL: ids in paths must not explode label cardinality.
      const route = request.routeOptions.url ?? 'unmatched';
      const id = `${request.method} ${reply.statusCode} ${route}`;
      let one = series.get(id);
      if (!one) {
        const labels = { method: request.method, route, status: String(reply.statusCode) };
        one = { count: requests.labels(labels), time: duration.labels(labels) };
        series.set(id, one);
      }
      one.count.inc();
      one.time.observe(reply.elapsedTime / 1_000);
      done();
    });

    app.decorate('metrics', registry);
    app.get(
      '/metrics',
      {
        schema: {
          tags: ['operations'],
          summary: 'Read the Prometheus metrics',
          security: [],
          response: {
            200: { description: 'The metrics, in the Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
            ...errorResponses(),
          },
        },
      },
      async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  { name: 'metrics', dependencies: ['queues'] },
);
