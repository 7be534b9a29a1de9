import Fastify, { type FastifyInstance } from 'fastify';
import type { Env } from './env.js';

/** The API as a Fastify instance; `server.ts` starts it, tests `inject` into it. */
export async function buildApp(env: Env): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: env.LOG_LEVEL } });
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
