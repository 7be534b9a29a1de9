import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { App } from '@nightshift/workspace';

/** One pino JSON line (or `{ msg }` for a line that is not JSON), with when this process read it. */
export interface LogLine {
  msg?: string;
  level?: number;
  readAt: number;
  [field: string]: unknown;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the exit was seen, in ms since the epoch. */
  at: number;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

/** A built app running as its own process, its JSON log lines parsed as they arrive. */
export class AppProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<AppExit>;
  private stderrText = '';
  private exit: AppExit | undefined;
  private readonly listeners = new Set<(line: LogLine) => void>();

  private constructor(
    /** The app's name, its folder under apps/. */
    readonly app: string,
    private readonly child: Child,
  ) {
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString('utf8');
    });
    createInterface({ input: child.stdout }).on('line', (text) => this.read(text));
    this.exited = once(child, 'exit').then(([code, signal]) => {
      this.exit = { code, signal, at: Date.now() } as AppExit;
      return this.exit;
    });
  }

  /**
   * Starts the built app as its image does: `node .` (its package's main) from its folder. Nothing is
   * inherited but PATH and HOME, as in a container: `variables` is the app's whole configuration.
   */
  static start(app: App, variables: Record<string, string>): AppProcess {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...variables };
    const child = spawn(process.execPath, ['.'], { cwd: app.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new AppProcess(app.name, child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** The last lines of output, for failure messages. */
  tail(count = 20): string {
    const lines = this.lines.slice(-count).map(({ readAt: _, ...line }) => JSON.stringify(line));
    return [...lines, this.stderrText.slice(-2_000)].join('\n');
  }

  /** Resolves with the first line (already read or still to come) that matches; fails if the process exits first. */
  waitForLine(match: (line: LogLine) => boolean, what: string, timeoutMs = 20_000): Promise<LogLine> {
    const found = this.lines.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (line: LogLine) => {
        if (!match(line)) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.app}: no "${what}" log line within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      this.listeners.add(listener);
      void this.exited.then((exit) => {
        if (!this.listeners.has(listener)) return;
        done();
        reject(new Error(`${this.app} exited (${describeExit(exit)}) before "${what}"\n${this.tail()}`));
      });
    });
  }

  /** Calls `listener` for every line from now on; returns the function that stops it. */
  onLine(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Polls `url` until it answers 200: nothing but the port announces readiness. Fails as soon as the process exits. */
  async waitHealthy(url: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`${this.app} exited (${describeExit(this.exit)}) before ${url} answered\n${this.tail()}`);
      last = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
        async (response) => {
          await response.body?.cancel();
          return String(response.status);
        },
        (error: unknown) => String(error),
      );
      if (last === '200') return;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), this.exited]);
    }
    throw new Error(`${this.app}: ${url} did not answer 200 within ${timeoutMs} ms (last: ${last})\n${this.tail()}`);
  }

  /** Sends `signal` and resolves once the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<AppExit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    return this.exited;
  }

  /** Sends a signal without waiting, e.g. SIGSTOP to freeze the process at an exact point and SIGCONT to let it go on. */
  signal(signal: NodeJS.Signals): void {
    if (!this.exit) this.child.kill(signal);
  }

  /** For clean-up: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 10_000): Promise<AppExit> {
    if (this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  private read(text: string): void {
    let line: LogLine;
    try {
      line = { ...(JSON.parse(text) as Record<string, unknown>), readAt: Date.now() };
    } catch {
      line = { msg: text, readAt: Date.now() };
    }
    this.lines.push(line);
    for (const listener of [...this.listeners]) listener(line);
  }
}

export function describeExit(exit: AppExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
