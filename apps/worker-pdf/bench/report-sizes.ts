/**
 * PDF and XLSX reports of given row counts, timed through the queue into a worker-pdf process
 * (started from `src/main.ts` as production runs it, one process per format and size, so its
 * peak RSS is that report's) against the same render on the calling thread. Shared by
 * `render.bench.ts` and the repository's `pnpm bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PdfJob } from '@nightshift/contracts';
import { createQueue } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { QueueEvents } from 'bullmq';
import { renderReport } from '../src/documents/render-report.js';
import { reportSource, sampleReport } from '../test/fixtures.js';

export type ReportFormat = PdfJob['format'];

export interface ReportSizeOptions {
  redisUrl: string;
  prefix: string;
  /** Report sizes in rows, e.g. [1_000, 10_000, 100_000]. */
  rows: readonly number[];
  rounds: number;
  formats?: readonly ReportFormat[];
}

export interface ReportSizeMeasure {
  format: ReportFormat;
  rows: number;
  /** PDF pages the report rendered to. */
  pages?: number;
  /** Milliseconds for the whole report, one entry per round: from `add` to completion, and on the calling thread. */
  queued: number[];
  inProcess: number[];
  /** The worker process's peak resident memory during each queued render, in MiB (Linux; empty elsewhere). */
  peakRssMb: number[];
}

const APP = fileURLToPath(new URL('..', import.meta.url));
const WARM_UP_ROWS = 40;

/** Each worker renders a small report first, and so does this thread, so no figure pays for loading react-pdf or exceljs. */
export async function measureReportSizes({
  redisUrl,
  prefix,
  rows,
  rounds,
  formats = ['pdf', 'xlsx'],
}: ReportSizeOptions): Promise<ReportSizeMeasure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-pdf-bench-'));
  const storage = new FileStorage(dir);
  const queue = createQueue('pdf', { redisUrl, prefix });
  const events = new QueueEvents('pdf', { connection: { url: redisUrl }, prefix });
  const reportId = (count: number) => `bench_${count}`;
  const throughQueue = async (worker: WorkerProcess, format: ReportFormat, count: number) => {
    await worker.resetPeakRss();
    const started = performance.now();
    const job = await queue.add('render', { reportId: reportId(count), userId: 'bench', format });
    const result = await job.waitUntilFinished(events);
    return { ms: performance.now() - started, pages: result.pages, peakRssMb: await worker.peakRssMb() };
  };
  // The stored bytes, as the worker reads them: both sides parse and check the same JSON.
  const sources = new Map<number, Uint8Array>();
  const inProcess = async (format: ReportFormat, count: number) => {
    const source = sources.get(count) as Uint8Array;
    const started = performance.now();
    await renderReport({ format, source, generatedAt: new Date(), images: [] });
    return performance.now() - started;
  };

  try {
    await events.waitUntilReady();
    for (const count of new Set([WARM_UP_ROWS, ...rows])) {
      const source = reportSource(sampleReport(count));
      sources.set(count, source);
      await storage.put(storageKeys.report(reportId(count)), source);
    }
    const measures: ReportSizeMeasure[] = [];
    for (const format of formats) {
      await inProcess(format, WARM_UP_ROWS);
      for (const count of rows) {
        const worker = await WorkerProcess.start({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, STORAGE_DIR: dir });
        try {
          await throughQueue(worker, format, WARM_UP_ROWS);
          const measure: ReportSizeMeasure = { format, rows: count, queued: [], inProcess: [], peakRssMb: [] };
          for (let round = 0; round < rounds; round++) {
            // Alternating which goes first, so drift on a shared machine hits both alike.
            let local: number;
            let queued: Awaited<ReturnType<typeof throughQueue>>;
            if (round % 2 === 0) {
              queued = await throughQueue(worker, format, count);
              local = await inProcess(format, count);
            } else {
              local = await inProcess(format, count);
              queued = await throughQueue(worker, format, count);
            }
            measure.inProcess.push(local);
            measure.queued.push(queued.ms);
            measure.pages = queued.pages;
            if (queued.peakRssMb !== undefined) measure.peakRssMb.push(queued.peakRssMb);
          }
          measures.push(measure);
        } finally {
          await worker.stop();
        }
      }
    }
    return measures;
  } finally {
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** worker-pdf as production starts it (`src/main.ts`, one job at a time), run from sources through tsx. */
class WorkerProcess {
  private stderr = '';
  private readonly exited: Promise<unknown>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', resolve));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
  }

  static async start(env: Record<string, string>): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nightshift/source', 'src/main.ts'], {
      cwd: APP,
      env: {
        ...process.env,
        ...env,
        NODE_ENV: 'production',
        // Whatever Redis the bench is pointed at: it measures rendering, not Redis's durability.
        REDIS_ALLOW_NO_PERSISTENCE: 'true',
        METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
        WORKER_CONCURRENCY: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    void worker.exited.then(() => {
      if (child.exitCode !== 0 && child.signalCode !== 'SIGTERM')
        console.error(`worker-pdf exited with ${child.exitCode ?? child.signalCode}: ${worker.stderr.trim()}`);
    });
    return worker;
  }

  /** Linux keeps a process's peak RSS (VmHWM) until told to start again (`clear_refs` 5). */
  async resetPeakRss(): Promise<void> {
    await writeFile(`/proc/${this.child.pid}/clear_refs`, '5').catch(() => undefined);
  }

  async peakRssMb(): Promise<number | undefined> {
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8').catch(() => undefined);
    const kib = status && /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kib ? Number(kib) / 1024 : undefined;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
