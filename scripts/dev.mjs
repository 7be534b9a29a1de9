// `pnpm dev`: what `npm start` gives (the same development credentials, a Redis found or started,
// the same banner, the dashboard on), with every app run from its TypeScript by `tsx watch`, which
// restarts an app when a file under its src/ (watched before the app starts: `--include=src` in its
// dev script) or a file it imports from elsewhere, such as a contract, changes. No build needed.
// Ctrl-C stops everything it started.
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
  redis = await ensureRedis(root, log);
} catch (error) {
  console.error(`[nightshift] ${error.message}`);
  await redis?.stop();
  process.exit(1);
}

await runApps({ root, task: 'dev', redis, log });
