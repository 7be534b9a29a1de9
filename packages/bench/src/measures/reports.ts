import { measureReportSizes, type ReportSizeMeasure } from '@nightshift/worker-pdf/bench';
import type { BenchContext } from '../context.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const PREFIX = '{bench-reports}';
/** Issue 21's targets: a page of the 10,000-row PDF, and XLSX memory at the largest size against the smallest. */
const PDF_TARGET_ROWS = 10_000;
const PDF_TARGET_MS_PER_PAGE = 30;
const XLSX_MEMORY_TARGET = 1.5;

/**
 * PDF and XLSX reports at the sizes users send: worker-pdf's own measurement (a job through the
 * queue into a worker-pdf process, against the same render on the calling thread), on this
 * bench's Redis. PDF rows are per page, XLSX rows per 1,000 rows; each gives the total time and
 * the worker's peak RSS beside.
 */
export async function measureReports({ settings, redis, log }: BenchContext): Promise<Row[]> {
  log(
    `reports: ${settings.reportRounds} rounds of ${settings.reportRows.join('/')}-row PDF and XLSX reports, queued and in-process`,
  );
  await redis.flush();
  try {
    const measures = await measureReportSizes({
      redisUrl: redis.url,
      prefix: PREFIX,
      rows: settings.reportRows,
      rounds: settings.reportRounds,
    });
    return [...measures.map(toRow), ...memoryRow(measures.filter((measure) => measure.format === 'xlsx'))];
  } finally {
    await redis.flush();
  }
}

function toRow(measure: ReportSizeMeasure): Row {
  const { format, rows, pages = 0, queued, inProcess, peakRssMb } = measure;
  const per = format === 'pdf' ? pages : rows / 1_000;
  const [ours, beside] = [median(queued) / per, median(inProcess) / per];
  const total = (values: number[]) => {
    const ms = median(values);
    return ms < 1_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1_000).toFixed(1)} s`;
  };
  const rss = peakRssMb.length > 0 ? `, ${median(peakRssMb).toFixed(0)} MiB peak RSS` : '';
  const targeted = format === 'pdf' && rows === PDF_TARGET_ROWS;
  const size = `${rows.toLocaleString('en-US')} rows${format === 'pdf' ? ` (${pages} page${pages === 1 ? '' : 's'})` : ''}`;
  return {
    id: `${format}-${rows}`,
    label: `${format.toUpperCase()} report, ${size}: queue + worker-pdf process vs in-process render`,
    unit: format === 'pdf' ? 'ms/page' : 'ms/1k rows',
    ours,
    beside,
    ratio: ours / beside,
    target: targeted ? `≤ ${PDF_TARGET_MS_PER_PAGE} ms/page` : undefined,
    met: targeted ? ours <= PDF_TARGET_MS_PER_PAGE : undefined,
    detail: { ours: `${total(queued)}${rss}`, beside: total(inProcess) },
    rounds: { ours: queued, beside: inProcess },
  };
}

/** Peak RSS of the worker at the largest XLSX against the smallest: flat memory means a ratio near 1. */
function memoryRow(xlsx: ReportSizeMeasure[]): Row[] {
  const sizes = [...xlsx].sort((a, b) => a.rows - b.rows);
  const [smallest, largest] = [sizes[0], sizes.at(-1)];
  if (!smallest || !largest || smallest.peakRssMb.length === 0 || largest.peakRssMb.length === 0) return [];
  const [ours, beside] = [median(largest.peakRssMb), median(smallest.peakRssMb)];
  return [
    {
      id: 'xlsx-memory',
      label: `↳ XLSX: peak RSS of the worker-pdf process at ${largest.rows.toLocaleString('en-US')} rows vs at ${smallest.rows.toLocaleString('en-US')}`,
      unit: 'MiB',
      ours,
      beside,
      ratio: ours / beside,
      target: `≤ ${XLSX_MEMORY_TARGET}×`,
      met: ours / beside <= XLSX_MEMORY_TARGET,
      rounds: { ours: largest.peakRssMb, beside: smallest.peakRssMb },
    },
  ];
}
