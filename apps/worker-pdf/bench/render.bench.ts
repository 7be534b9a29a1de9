/**
 * PDF and XLSX reports of 1,000, 10,000 and 100,000 rows, through the queue into a worker-pdf
 * process against in-process, on the shared development Redis. Not a test: run
 * `pnpm --filter @nightshift/worker-pdf bench`. `pnpm bench` at the root runs the same
 * measurement beside the others, on its own Redis.
 */
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { measureReportSizes } from './report-sizes.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const best = (values: number[]) => Math.min(...values);

const measures = await measureReportSizes({
  redisUrl: SHARED_REDIS_URL,
  prefix: uniquePrefix('pdf-bench'),
  rows: [1_000, 10_000, 100_000],
  rounds,
});
console.log(`best of ${rounds} per size, node ${process.version}`);
console.log('format |    rows | pages | queued s | in-process s | queued ms/page | peak RSS MiB');
for (const { format, rows, pages, queued, inProcess, peakRssMb } of measures) {
  const perPage = pages ? (best(queued) / pages).toFixed(1) : '';
  console.log(
    [
      format.padEnd(6),
      String(rows).padStart(7),
      String(pages ?? '').padStart(5),
      (best(queued) / 1000).toFixed(2).padStart(8),
      (best(inProcess) / 1000).toFixed(2).padStart(12),
      perPage.padStart(14),
      (peakRssMb.length > 0 ? Math.max(...peakRssMb).toFixed(0) : '').padStart(12),
    ].join(' | '),
  );
}
