import { measureMsPerPage } from '@nightshift/worker-pdf/bench';
import type { BenchContext } from '../context.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const PREFIX = '{bench-pdf}';

/**
 * Milliseconds per page, one report at a time: worker-pdf's own measurement (a job through the
 * queue into the worker's render thread, against the same render on the calling thread), run on
 * this bench's Redis. The queue's cost per page is the job's round trip and the thread hop, spread
 * over the pages; the ratio shows how much of a report's time that is.
 */
export async function measurePdf({ settings, redis, log }: BenchContext): Promise<Row[]> {
  log(`pdf: ${settings.rounds} rounds of ${settings.pdfPages.join('/')}-page reports, in-process and queued`);
  await redis.flush();
  try {
    const measures = await measureMsPerPage({
      redisUrl: redis.url,
      prefix: PREFIX,
      pages: settings.pdfPages,
      rounds: settings.rounds,
    });
    return measures.map(({ pages, inProcess, queued }) => {
      const [ours, beside] = [median(queued), median(inProcess)];
      return {
        id: `pdf-${pages}`,
        label: `PDF job, ${pages} page${pages === 1 ? '' : 's'}: queue + worker-pdf (render thread) vs in-process render`,
        unit: 'ms/page',
        ours,
        beside,
        ratio: ours / beside,
        target: 'ms per page',
        rounds: { ours: queued, beside: inProcess },
      };
    });
  } finally {
    await redis.flush();
  }
}
