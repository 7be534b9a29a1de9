import type { PdfResult } from '@nightshift/contracts';
import type { ContractProcessor } from '@nightshift/jobs';
import { outputFileId, type Storage, storageKeys } from '@nightshift/storage';
import { jobFields, type Logger } from '@nightshift/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import { DEFAULT_TIME_ZONE } from './documents/cells.js';
import { InvalidReportError } from './documents/read-report.js';
import type { RenderedReport, RenderRequest } from './documents/render-request.js';
import { downloadName } from './download-name.js';
import { loadImages } from './load-images.js';
import { loadReport } from './load-report.js';
import { RenderFailedError, type RenderOptions } from './render-pool.js';

/** Renders a request: a RenderPool in production, anything with the same shape in a benchmark. */
export interface ReportRenderer {
  render(request: RenderRequest, options?: RenderOptions): Promise<RenderedReport>;
}

export interface ProcessorOptions {
  storage: Storage;
  renderer: ReportRenderer;
  logger: Logger;
  /** The "generated at" time; tests pin it. */
  now?: () => Date;
}

// Progress: loading is quick, rendering is most of the job, storing is a single write.
const LOADED = 5;
const IMAGES_LOADED = 10;
const RENDERED = 90;
const PROGRESS_STEP = 5;

/**
 * Loads the stored report (and, in the report-delivery flow, the images its child jobs made),
 * renders it off the main thread, and stores the file under an id derived from the job: a
 * re-run overwrites the same file instead of adding another.
 */
export function createProcessor({
  storage,
  renderer,
  logger,
  now = () => new Date(),
}: ProcessorOptions): ContractProcessor<'pdf'> {
  return async (job, _token, signal) => {
    const { reportId, userId, format } = job.data;
    if (job.id === undefined) throw new UnrecoverableError('pdf job has no id to name its output file after');
    const progress = progressReporter((value) => job.updateProgress(value));

    const source = await loadReport(storage, reportId);
    progress.report(LOADED);
    // A spreadsheet has no place for pictures; only the PDF embeds the children's images.
    const images = format === 'pdf' ? await loadImages(storage, await job.getChildrenValues()) : [];
    for (const image of images.filter((candidate) => candidate.skipped)) {
      logger.warn({ ...jobFields(job), fileId: image.fileId, reason: image.skipped }, 'image not embedded');
    }
    progress.report(IMAGES_LOADED);

    const generatedAt = now();
    let rendered: RenderedReport;
    try {
      rendered = await renderer.render(
        { format, source, generatedAt, images },
        { signal, onProgress: (fraction) => progress.report(IMAGES_LOADED + (RENDERED - IMAGES_LOADED) * fraction) },
      );
    } catch (error) {
      // Rendering is a pure function of the stored data: a second attempt would fail the same way.
      if (!(error instanceof RenderFailedError)) throw error;
      if (error.reason?.name === InvalidReportError.name)
        throw new UnrecoverableError(`report ${reportId} at ${storageKeys.report(reportId)} ${error.reason.message}`);
      throw new UnrecoverableError(`rendering report ${reportId} as ${format} failed: ${error.message}`);
    }
    const { header } = rendered;

    const fileId = outputFileId('pdf', job.id, format);
    const name = downloadName(header.title, generatedAt, header.timeZone ?? DEFAULT_TIME_ZONE, format);
    // The name first: whoever sees the new file sees its name too (a re-run rewrites both).
    await storage.put(storageKeys.downloadName(fileId), name);
    const stored = await storage.put(storageKeys.file(fileId), rendered.bytes);
    progress.report(100);
    await progress.flushed();
    const result: PdfResult = { fileId, format, bytes: stored.bytes, rows: rendered.rows, downloadName: name };
    if (rendered.pages !== undefined) result.pages = rendered.pages;
    await job.log(`${describeRender(format, rendered)} → ${name} (${formatBytes(stored.bytes)})`);
    logger.info({ ...jobFields(job), reportId, userId, ...result }, 'report rendered');
    return result;
  };
}

/** `rendered 6 pages, 120 rows` or `wrote 120 rows`: what a person checking the job in the dashboard wants to know. */
function describeRender(format: RenderRequest['format'], { pages, rows }: RenderedReport): string {
  const rowCount = `${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
  if (format === 'xlsx') return `wrote ${rowCount}`;
  return `rendered ${pages} page${pages === 1 ? '' : 's'}, ${rowCount}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Sends progress in steps of PROGRESS_STEP percent, one Redis write at a time and in order.
 * A failed write is kept for `flushed()` rather than left as an unhandled rejection.
 */
function progressReporter(send: (value: number) => Promise<void>) {
  let sent = 0;
  let failure: unknown;
  let chain: Promise<void> = Promise.resolve();
  return {
    report(value: number) {
      const percent = Math.min(100, Math.floor(value));
      if (percent <= sent || (percent < sent + PROGRESS_STEP && percent !== 100)) return;
      sent = percent;
      chain = chain
        .then(() => send(percent))
        .catch((error: unknown) => {
          failure ??= error;
        });
    },
    async flushed() {
      await chain;
      if (failure !== undefined) throw failure;
    },
  };
}
