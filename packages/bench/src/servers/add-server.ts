/**
 * The floor under the API's numbers for any HTTP producer: a bare Fastify route (Fastify's
 * defaults, no logger, no plugins) that adds the posted job with a raw BullMQ `Queue` and
 * answers its id. No validation, authentication, rate limit, security headers, logs or metrics.
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is required');
const queue = new Queue('email', { connection: { url: redisUrl } });

const app = Fastify();
app.post<{ Body: { name: string; data: unknown } }>('/add', async (request, reply) => {
  const job = await queue.add(request.body.name, request.body.data);
  return reply.status(202).send({ id: job.id });
});
app.get('/healthz', async () => ({ status: 'ok' }));

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => queue.close())
    .then(() => process.exit(0));
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' });
