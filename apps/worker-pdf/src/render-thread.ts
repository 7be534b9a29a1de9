import { parentPort } from 'node:worker_threads';
import type { ReportHeader } from '@nightshift/contracts';
import { renderReport } from './documents/render-report.js';
import type { RenderRequest } from './documents/render-request.js';

/** What a render thread says back: progress as it goes, then exactly one of done or failed. */
export type RenderThreadMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; bytes: Uint8Array; header: ReportHeader; rows: number; pages?: number }
  | { type: 'failed'; name: string; message: string; stack?: string };

/** Progress messages closer together than this are dropped: a long PDF reports after each of its many runs of pages. */
const PROGRESS_STEP = 0.01;

// Entry point of a render thread (see RenderPool). It only lays out and serializes: the job, Redis and storage
// stay on the main thread, whose event loop keeps renewing the job's lock while this thread is busy.
const port = parentPort;
if (!port) throw new Error('render-thread must run as a worker thread');

port.on('message', async (request: RenderRequest) => {
  let reported = 0;
  const post = (message: RenderThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    const rendered = await renderReport(request, (fraction) => {
      if (fraction - reported < PROGRESS_STEP && fraction < 1) return;
      reported = fraction;
      post({ type: 'progress', fraction });
    });
    // A copy of our own, so the transfer never detaches a buffer Node pools for other allocations.
    const bytes = new Uint8Array(rendered.bytes);
    post({ type: 'done', bytes, header: rendered.header, rows: rendered.rows, pages: rendered.pages }, [bytes.buffer]);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', name: failure.name, message: failure.message, stack: failure.stack });
  }
});
