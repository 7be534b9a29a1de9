// The test command: installs, finds or starts Redis, builds (some suites run the built apps),
// runs every suite with vitest and ends with one line: `tests: N passed, N failed`.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePinnedNode } from './lib/node.mjs';
import { pnpm } from './lib/pnpm.mjs';
import { ensureRedis, redact } from './lib/redis.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, '.data', 'test-results.json');
const log = (message) => console.log(`[nightshift test] ${message}`);

await ensurePinnedNode(log);

let redis;
let exitCode = 1;
try {
  await pnpm(root, ['install', '--frozen-lockfile']);
  redis = await ensureRedis(root, log);
  log(`Redis: ${redact(redis.url)} (${redis.origin})`);
  await pnpm(root, ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
  rmSync(results, { force: true });
  const vitestArgs = [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${results}`,
    ...process.argv.slice(2),
  ];
  exitCode = await pnpm(root, vitestArgs, { env: { ...process.env, REDIS_URL: redis.url } }).then(
    () => 0,
    (error) => error.exitCode ?? 1,
  );
} catch (error) {
  console.error(`[nightshift test] ${error.message}`);
} finally {
  await redis?.stop();
}

if (existsSync(results)) {
  const { numPassedTests, numFailedTests, numTotalTests } = JSON.parse(readFileSync(results, 'utf8'));
  // A run that executed no test has proven nothing.
  if (numTotalTests === 0) exitCode = 1;
  console.log(`tests: ${numPassedTests} passed, ${numFailedTests} failed`);
} else {
  console.log('tests: 0 passed, 0 failed');
  exitCode ||= 1;
}
process.exit(exitCode);
