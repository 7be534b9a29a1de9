// The run command: installs, builds, finds or starts Redis, then runs every app under apps/ from
// its built output with prefixed logs. Ctrl-C stops everything it started.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePinnedNode } from './lib/node.mjs';
import { pnpm } from './lib/pnpm.mjs';
import { ensureRedis } from './lib/redis.mjs';
import { runApps } from './lib/run-apps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => console.log(`[nightshift] ${message}`);

await ensurePinnedNode(log);

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

await runApps({ root, task: 'start', redis, log });
