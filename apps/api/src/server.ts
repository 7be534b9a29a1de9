import { loadEnv } from '@nightshift/config';
import { buildApp } from './app.js';
import { envSchema } from './env.js';

const env = loadEnv(envSchema);
const app = await buildApp(env).catch((error: unknown) => {
  process.stderr.write(`api failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/** Ends the process once stdout has drained (a pipe is written asynchronously); a leftover handle cannot keep it up. */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1_000).unref();
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish, then close the
 * queues and Redis (each plugin's onClose). Exits 1 if that takes longer than SHUTDOWN_TIMEOUT_MS.
 */
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal, timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown timed out: exiting with requests still open');
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_MS);
    app.close().then(
      () => {
        clearTimeout(timer);
        app.log.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        app.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  });
}

await app.listen({ port: env.PORT, host: env.HOST }).catch(async (error: unknown) => {
  app.log.fatal({ err: error }, `cannot listen on ${env.HOST}:${env.PORT}`);
  await app.close();
  exit(1);
});
