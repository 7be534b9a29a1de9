import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import type { Row } from '../report.js';

const pdfBenchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'apps', 'worker-pdf', 'bench');

/**
 * PDF rendering per page is worker-pdf's own benchmark to write (`apps/worker-pdf/bench/`); this
 * row reuses it once it exists rather than rendering reports a second way.
 */
export async function measurePdf({ settings, log }: BenchContext): Promise<{ rows: Row[]; note?: string }> {
  if (!existsSync(pdfBenchDir)) {
    const note = `PDF ${settings.pdfPages.join('/')} pages: skipped, worker-pdf has no render benchmark (apps/worker-pdf/bench/) to reuse yet.`;
    log(note);
    return { rows: [], note };
  }
  const note =
    'PDF: apps/worker-pdf/bench/ exists but exposes nothing this bench knows how to call; run it with `pnpm --filter @nightshift/worker-pdf bench`.';
  log(note);
  return { rows: [], note };
}
