import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RenderedReport, RenderProgress, RenderRequest } from './documents/render-request.js';
import type { RenderThreadMessage } from './render-thread.js';

export interface RenderPoolOptions {
  /** Threads kept warm; a render beyond this many waits for one. Match the worker's concurrency. */
  size: number;
  /** Heap ceiling per thread: a huge report fails its own job instead of taking the process down. */
  maxMemoryMb?: number;
}

export interface RenderOptions {
  onProgress?: RenderProgress;
  /** Aborting terminates the thread mid-render: CPU-bound work has no other way to stop. */
  signal?: AbortSignal;
}

/** A render that crashed or failed inside its thread. Rendering is a pure function of its input, so a retry fails again. */
export class RenderFailedError extends Error {
  readonly code = 'RENDER_FAILED';
  override readonly name = 'RenderFailedError';
  /** The error the thread threw, by name and message, when it threw one (a crash has none). */
  readonly reason?: { name: string; message: string };

  constructor(message: string, options: ErrorOptions & { reason?: { name: string; message: string } } = {}) {
    super(message, options);
    if (options.reason) this.reason = { name: options.reason.name, message: options.reason.message };
  }
}

/**
 * Built code runs the compiled thread. Tests and `dev` run from TypeScript sources, and on
 * Node 20 a thread started with `--import tsx` still loads its entry without tsx's hooks, so
 * the thread starts from a bootstrap that imports its entry through tsx's `tsImport`.
 */
function threadSource(): { entry: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./render-thread.js', import.meta.url), eval: false };
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL('./render-thread.ts', import.meta.url).href);
  // tsx reads tsconfig.json from the cwd, and the repository root has none: without the app's
  // `jsx: react-jsx` it would compile JSX to React.createElement with no React in scope.
  const tsconfig = JSON.stringify(fileURLToPath(new URL('../tsconfig.json', import.meta.url)));
  const options = `{ parentURL: ${entry}, tsconfig: ${tsconfig} }`;
  return { entry: `import(${tsx}).then(({ tsImport }) => tsImport(${entry}, ${options}));`, eval: true };
}

/**
 * Worker threads that render reports off the main thread. react-pdf lays out and writes a run of
 * pages in one synchronous block, and a long report is many such blocks back to back; on the
 * main thread they would stop BullMQ renewing the job's lock, and the job would be taken for
 * stalled and run a second time. Threads are reused: loading react-pdf costs more than a small render.
 */
export class RenderPool {
  readonly #options: RenderPoolOptions;
  readonly #threads = new Set<Worker>();
  readonly #idle: Worker[] = [];
  readonly #waiting: { resolve: (thread: Worker) => void; reject: (error: Error) => void }[] = [];
  #closed = false;

  constructor(options: RenderPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new RangeError(`RenderPool size must be a positive integer, got ${options.size}`);
    this.#options = options;
  }

  async render(request: RenderRequest, { onProgress, signal }: RenderOptions = {}): Promise<RenderedReport> {
    signal?.throwIfAborted();
    const thread = await this.#acquire();
    if (signal?.aborted) {
      this.#release(thread);
      signal.throwIfAborted();
    }
    thread.ref();
    return new Promise<RenderedReport>((resolve, reject) => {
      const finish = (healthy: boolean) => {
        thread.off('message', onMessage).off('error', onError).off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (healthy) this.#release(thread);
        else this.#discard(thread);
      };
      const onMessage = (message: RenderThreadMessage) => {
        if (message.type === 'progress') {
          onProgress?.(message.fraction);
        } else if (message.type === 'done') {
          finish(true);
          const { bytes, header, rows, pages } = message;
          resolve({ bytes, header, rows, pages });
        } else {
          finish(true);
          reject(
            Object.assign(new RenderFailedError(`${message.name}: ${message.message}`, { reason: message }), {
              stack: message.stack,
            }),
          );
        }
      };
      const onError = (error: Error) => {
        finish(false);
        reject(new RenderFailedError(`render thread crashed: ${error.message}`, { cause: error }));
      };
      const onExit = (code: number) => {
        finish(false);
        reject(new RenderFailedError(`render thread exited with code ${code} before finishing`));
      };
      const onAbort = () => {
        finish(false);
        reject(signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason ?? 'render aborted')));
      };
      thread.on('message', onMessage).once('error', onError).once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      thread.postMessage(request);
    });
  }

  /** Terminates every thread; renders in progress fail and waiting ones are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('render pool closed'));
    await Promise.all([...this.#threads].map((thread) => thread.terminate()));
    this.#threads.clear();
    this.#idle.length = 0;
  }

  #acquire(): Promise<Worker> {
    if (this.#closed) return Promise.reject(new Error('render pool closed'));
    const idle = this.#idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.#threads.size < this.#options.size) return Promise.resolve(this.#spawn());
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(thread: Worker): void {
    // Idle threads must not keep a process alive that has nothing else to do.
    thread.unref();
    const waiter = this.#waiting.shift();
    if (waiter) waiter.resolve(thread);
    else this.#idle.push(thread);
  }

  #discard(thread: Worker): void {
    if (!this.#threads.delete(thread)) return;
    const idleAt = this.#idle.indexOf(thread);
    if (idleAt >= 0) this.#idle.splice(idleAt, 1);
    void thread.terminate();
    // The thread's slot is free again: whoever waits for one gets a fresh thread.
    const waiter = this.#closed ? undefined : this.#waiting.shift();
    if (waiter) waiter.resolve(this.#spawn());
  }

  #spawn(): Worker {
    const { maxMemoryMb } = this.#options;
    const source = threadSource();
    const thread = new Worker(source.entry, {
      eval: source.eval,
      resourceLimits: maxMemoryMb ? { maxOldGenerationSizeMb: maxMemoryMb } : undefined,
    });
    // A thread that dies between renders (out of memory while idle, a crash on load) is replaced on next use.
    thread.on('error', () => this.#discard(thread)).on('exit', () => this.#discard(thread));
    this.#threads.add(thread);
    return thread;
  }
}
