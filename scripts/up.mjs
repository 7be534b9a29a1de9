// The run command: installs, builds, finds or starts Redis, then runs every app under apps/ from
// its built output with prefixed logs. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appNamed, listApps } from './lib/apps.mjs';
import { ensurePinnedNode } from './lib/node.mjs';
import { pinnedPnpm, pnpm } from './lib/pnpm.mjs';
import { ensureRedis, redact } from './lib/redis.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => console.log(`[nightshift] ${message}`);

await ensurePinnedNode(log);

/** Development credentials: generated once, kept in .data so they survive restarts. */
function devCredentials() {
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

let redis;
try {
  await pnpm(root, ['install', '--frozen-lockfile']);
  await pnpm(root, ['exec', 'turbo', 'run', 'build', '--filter=./apps/*', '--output-logs=errors-only']);
  redis = await ensureRedis(root, log);
} catch (error) {
  console.error(`[nightshift] ${error.message}`);
  await redis?.stop();
  process.exit(1);
}

const generated = devCredentials();
const env = {
  NODE_ENV: 'development',
  STORAGE_DIR: join(root, '.data', 'storage'),
  ...process.env,
  REDIS_URL: redis.url,
  API_TOKENS: process.env.API_TOKENS ?? generated.API_TOKENS,
  ADMIN_USER: process.env.ADMIN_USER ?? generated.ADMIN_USER,
  ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? generated.ADMIN_PASSWORD,
};
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
const turboArgs = ['exec', 'turbo', 'run', 'start', '--filter=./apps/*', '--ui=stream', `--concurrency=${apps.length + 1}`];
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

// Say where things are once the API answers.
const deadline = Date.now() + 60_000;
while (Date.now() < deadline && running.exitCode === null) {
  const up = await fetch(`${apiUrl}/healthz`).then(
    (response) => response.ok,
    () => false,
  );
  if (up) {
    console.log(`
  Nightshift is running
  ─────────────────────
  API           ${apiUrl}            (Authorization: Bearer ${env.API_TOKENS.split(',')[0]})
  API docs      ${apiUrl}/docs
  Dashboard     ${apiUrl}/admin/queues   (user ${env.ADMIN_USER}, password ${env.ADMIN_PASSWORD})
  Workers       ${workers}
  Redis         ${redact(redis.url)} (${redis.origin === 'started' ? 'started by this command, stopped on exit' : redis.origin})
  Storage       ${env.STORAGE_DIR}
  Credentials   generated for development, kept in .data/dev-credentials.json
  Try it:       curl -s -X POST ${apiUrl}/v1/queues/email/jobs -H 'Authorization: Bearer ${env.API_TOKENS.split(',')[0]}' \\
                  -H 'Content-Type: application/json' \\
                  -d '{"name":"welcome","data":{"to":"ada@example.com","template":"welcome","data":{"name":"Ada","activationUrl":"https://example.com/a"}}}'
  Stop with Ctrl-C.
`);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

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
