import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { ImageStepError } from './image-step-error.js';

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartAppOptions {
  app: string;
  command: readonly string[];
  cwd: string;
  /** The whole environment: nothing is inherited, as in a container. */
  env: Record<string, string>;
  /** Run as this user (the images run as non-root). */
  user?: { uid: number; gid: number };
}

/** An app started from its deployed folder, its output kept for error messages. */
export class AppProcess {
  private exit: AppExit | undefined;
  private readonly exited: Promise<AppExit>;
  private log = '';

  private constructor(
    private readonly app: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.log += chunk.toString();
    });
    this.exited = once(child, 'exit').then(([code, signal]) => {
      this.exit = { code, signal } as AppExit;
      return this.exit;
    });
  }

  static start({ app, command: [command, ...args], cwd, env, user }: StartAppOptions): AppProcess {
    if (!command) throw new Error(`${app}: the image has no command to start`);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    return new AppProcess(app, child);
  }

  get output(): string {
    return this.log;
  }

  /** Resolves with 200 once `url` answers it; fails as soon as the process exits or after `timeoutMs`. */
  async waitHealthy(url: string, timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exit) {
        throw new ImageStepError(
          this.app,
          'start',
          `the process exited (${describe(this.exit)}) before ${url} answered`,
          this.log,
        );
      }
      const status = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
        async (response) => {
          await response.body?.cancel();
          return response.status;
        },
        (error: unknown) => String(error),
      );
      if (status === 200) return status;
      last = String(status);
      // Nothing announces readiness but the port itself: poll it, waking early if the process dies.
      await Promise.race([delay(50), this.exited]);
    }
    throw new ImageStepError(this.app, 'start', `${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`, this.log);
  }

  /** Sends SIGTERM, as `docker stop` does, and resolves with how the process ended. */
  async stop(timeoutMs = 15_000): Promise<AppExit> {
    if (!this.exit) this.child.kill('SIGTERM');
    const cancelTimer = new AbortController();
    const timer = delay(timeoutMs, 'timeout' as const, { signal: cancelTimer.signal }).catch(() => 'cancelled' as const);
    const result = await Promise.race([this.exited, timer]);
    cancelTimer.abort();
    if (typeof result === 'string') {
      this.child.kill('SIGKILL');
      throw new ImageStepError(this.app, 'stop', `still running ${timeoutMs} ms after SIGTERM`, this.log);
    }
    return result;
  }
}

function describe(exit: AppExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
