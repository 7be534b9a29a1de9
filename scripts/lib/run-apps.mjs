// What `npm start` (scripts/up.mjs) and `pnpm dev` (scripts/dev.mjs) share: the development
// credentials, the checkout's own queue prefix, the environment the apps get, running every app
// under turbo in a process group of its own, and the banner that says where everything is.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appNamed, listApps } from './apps.mjs';
import { pinnedPnpm } from './pnpm.mjs';
import { redact } from './redis.mjs';

/** Development credentials: generated once, kept in .data so they survive restarts. */
export function devCredentials(root) {
  const file = join(root, '.data', 'dev-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const credentials = {
    API_TOKENS: `dev_${randomBytes(18).toString('base64url')}`,
    ADMIN_USER: 'admin',
    ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/**
 * This checkout's own key namespace, from a hash of its path: two checkouts on one local Redis
 * (a clone beside a worktree, say) neither see nor take each other's jobs, and one checkout finds
 * its jobs again after a restart. Braces keep it a Redis Cluster hash tag, like the default.
 */
export function checkoutQueuePrefix(root) {
  const hash = createHash('sha256').update(realpathSync(root)).digest('hex').slice(0, 8);
  return `{nightshift-${hash}}`;
}

/** The apps' environment for a local run: what the shell sets wins over every default here. */
export function devEnvironment(root, redis) {
  const generated = devCredentials(root);
  return {
    NODE_ENV: 'development',
    STORAGE_DIR: join(root, '.data', 'storage'),
    QUEUE_PREFIX: checkoutQueuePrefix(root),
    ...process.env,
    REDIS_URL: redis.url,
    API_TOKENS: process.env.API_TOKENS ?? generated.API_TOKENS,
    ADMIN_USER: process.env.ADMIN_USER ?? generated.ADMIN_USER,
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? generated.ADMIN_PASSWORD,
  };
}

function banner({ apiUrl, env, workers, redis, mode }) {
  const token = env.API_TOKENS.split(',')[0];
  return `
  Nightshift is running${mode === 'dev' ? ' (pnpm dev: from TypeScript, each app restarts when a file it uses changes)' : ''}
  ─────────────────────
  API           ${apiUrl}            (Authorization: Bearer ${token})
  API docs      ${apiUrl}/docs
  Dashboard     ${apiUrl}/admin/queues   (user ${env.ADMIN_USER}, password ${env.ADMIN_PASSWORD})
  Workers       ${workers}
  Redis         ${redact(redis.url)} (${redis.origin === 'started' ? 'started by this command, stopped on exit' : redis.origin})
  Queue prefix  ${env.QUEUE_PREFIX} (this checkout's own)
  Storage       ${env.STORAGE_DIR}
  Credentials   generated for development, kept in .data/dev-credentials.json
  Try it:       curl -s -X POST ${apiUrl}/v1/queues/email/jobs -H 'Authorization: Bearer ${token}' \\
                  -H 'Content-Type: application/json' \\
                  -d '{"name":"welcome","data":{"to":"ada@example.com","template":"welcome","data":{"name":"Ada","activationUrl":"https://example.com/a"}}}'
  Stop with Ctrl-C.
`;
}

/**
 * Runs every app under apps/ with turbo's `task` (`start`: built output; `dev`: TypeScript in watch
 * mode), prints the banner once the API answers, and stops the apps, then Redis if it started it,
 * on Ctrl-C, SIGTERM or a closed terminal. Exits with the apps' status.
 */
export async function runApps({ root, task, redis, log }) {
  const env = devEnvironment(root, redis);
  const apps = listApps(root);
  const port = env.PORT ?? String(appNamed('api', apps).defaultPort);
  // Each worker on its own default port (METRICS_PORT unset), so they all run side by side.
  const workers = apps
    .filter((app) => app.queue)
    .map((app) => `${app.name} :${app.defaultPort}/metrics`)
    .join(', ');
  const apiUrl = `http://${env.HOST && env.HOST !== '0.0.0.0' ? env.HOST : '127.0.0.1'}:${port}`;

  const [command, ...prefix] = pinnedPnpm(root).command;
  // turbo needs a slot for each app, which never ends, and one more for the rest.
  const turboArgs = ['exec', 'turbo', 'run', task, '--filter=./apps/*', '--ui=stream', `--concurrency=${apps.length + 1}`];
  // In a process group of its own: Ctrl-C signals the terminal's whole group, and turbo takes a
  // second SIGINT (ours, forwarded) as "force kill", cutting the apps' graceful shutdown short.
  // So the terminal's signal reaches only this script, which passes exactly one to that group
  // (`pnpm exec` would not pass it on to turbo).
  const running = spawn(command, [...prefix, ...turboArgs], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const signalApps = (signal) => {
    try {
      process.kill(-running.pid, signal);
    } catch {
      // The group has already exited.
    }
  };
  // Should this script die some other way, the apps do not outlive it.
  process.on('exit', () => signalApps('SIGTERM'));

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the apps`);
    signalApps(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The terminal closed: the apps, in a group of their own, would not hear of it.
  process.on('SIGHUP', () => stop('SIGTERM'));
  running.once('exit', async (code) => {
    await redis.stop();
    process.exit(stopping ? 0 : (code ?? 1));
  });

  // Say where things are once the API can take jobs (its Redis client is ready, not only its
  // HTTP server up), so the banner's example works at once. From TypeScript, the first start takes longer.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && running.exitCode === null && !stopping) {
    const up = await fetch(`${apiUrl}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) {
      console.log(banner({ apiUrl, env, workers, redis, mode: task }));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
