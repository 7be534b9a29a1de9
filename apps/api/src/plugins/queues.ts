import { type QueueName, queueNames } from '@nightshift/contracts';
import { type ContractFlowProducer, type ContractQueue, createFlowProducer, createQueue, flowsApart } from '@nightshift/jobs';
import type { Telemetry } from 'bullmq';
import fp from 'fastify-plugin';

export type Queues = { readonly [Q in QueueName]: ContractQueue<Q> };

declare module 'fastify' {
  interface FastifyInstance {
    /** One queue per contract, all on the shared producer connection. */
    queues: Queues;
    /**
     * Where each queue's flow jobs are: on a Redis Cluster, under the namespace's shared tag apart from
     * the queue's own keys (`flowKeyPrefix`); on one Redis, the same queues as `queues`.
     */
    flowQueues: Queues;
    flows: ContractFlowProducer;
    /** `QUEUE_PREFIX`, the namespace; a queue's own key prefix is `queue.opts.prefix`. */
    queuePrefix: string;
  }
}

export interface QueuesPluginOptions {
  prefix: string;
  /** Per queue: how long, and how many, completed jobs are kept. */
  keepCompleted: { readonly [Q in QueueName]: { age: number; count: number } };
  /** With tracing on: each add and flow is a span, and carries the trace to the worker. */
  telemetry?: Telemetry | undefined;
}

export const queuesPlugin = fp<QueuesPluginOptions>(
  async (app, { prefix, keepCompleted, telemetry }) => {
    const connection = app.redis;
    const queuesFor = (flowJobs: boolean) =>
      Object.fromEntries(
        queueNames.map((name) => [
          name,
          createQueue(name, {
            connection,
            prefix,
            flowJobs,
            defaultJobOptions: { removeOnComplete: keepCompleted[name] },
            ...(telemetry && { telemetry }),
          }),
        ]),
      ) as unknown as Queues;
    const queues = queuesFor(false);
    const flowQueues = queueNames.some((name) => flowsApart(prefix, name, connection)) ? queuesFor(true) : queues;
    const flows = createFlowProducer({ connection, prefix, ...(telemetry && { telemetry }) });
    const all = new Set([...Object.values(queues), ...Object.values(flowQueues)]);
    // BullMQ re-emits connection errors; the redis plugin already reports them, and an unheard 'error' would crash.
    const onError = (error: Error) => app.log.debug({ err: error }, 'queue connection error');
    for (const queue of all) queue.on('error', onError);
    flows.on('error', onError);

    app.decorate('queues', queues);
    app.decorate('flowQueues', flowQueues);
    app.decorate('flows', flows);
    app.decorate('queuePrefix', prefix);
    app.addHook('onClose', async () => {
      await Promise.allSettled([...[...all].map((queue) => queue.close()), flows.close()]);
    });
  },
  { name: 'queues', dependencies: ['redis'] },
);
