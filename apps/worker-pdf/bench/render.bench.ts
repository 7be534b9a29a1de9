/**
 * Milliseconds per page for 1-, 10- and 50-page PDF reports, in-process against through the
 * queue, on the shared development Redis. Not a test: run `pnpm --filter @nightshift/worker-pdf bench`.
 * `pnpm bench` at the root runs the same measurement beside the others, on its own Redis.
 */
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { measureMsPerPage } from './ms-per-page.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const best = (values: number[]) => Math.min(...values).toFixed(0);

const measures = await measureMsPerPage({
  redisUrl: SHARED_REDIS_URL,
  prefix: uniquePrefix('pdf-bench'),
  pages: [1, 10, 50],
  rounds,
});
console.log(`best of ${rounds} per size, node ${process.version}`);
console.log('pages | in-process ms/page | queue ms/page');
for (const { pages, inProcess, queued } of measures) {
  console.log(`${String(pages).padStart(5)} | ${best(inProcess).padStart(18)} | ${best(queued).padStart(13)}`);
}
