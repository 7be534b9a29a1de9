import { loadEnv } from '@nightshift/config';
import { buildApp } from './app.js';
import { envSchema } from './env.js';

const env = loadEnv(envSchema);
const app = await buildApp(env);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

await app.listen({ port: env.PORT, host: env.HOST });
