import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, waitFor } from '@nightshift/test-support';
import { processCpuSeconds, processRssMiB } from './proc-stats.js';

export interface ChildServerOptions {
  /** A TypeScript entry point, run through tsx from workspace sources. */
  script: string;
  /** Where `tsx` resolves from: the package that owns the script. */
  cwd: string;
  env: Record<string, string>;
  /** Answers 2xx once the server takes requests. */
  readyPath: string;
  /** E.g. `--cpu-prof`, to profile the server while the bench drives it. */
  nodeArgs?: readonly string[];
  /** How long a cold start may take; several started at once on one core take longer. Default 60 s. */
  readyTimeoutMs?: number;
}

/**
 * An HTTP server in a process of its own, so the load generator (autocannon, in the bench's
 * process) never shares its event loop. It inherits the bench's CPU pinning.
 */
export class ChildServer {
  private readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4_000);
    });
  }

  static async start(options: ChildServerOptions): Promise<ChildServer> {
    const port = await freePort();
    const args = [...(options.nodeArgs ?? []), '--import', 'tsx', '--conditions=@nightshift/source', options.script];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
      // Request logs are part of the cost measured, but nobody reads them.
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = new ChildServer(child, `http://127.0.0.1:${port}`);
    let exitCode: number | null | undefined;
    void server.exited.then((code) => {
      exitCode = code;
    });
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`${options.script} exited with ${exitCode}: ${server.stderr.trim()}`);
        const response = await fetch(`${server.url}${options.readyPath}`);
        return response.ok;
      },
      { timeoutMs: options.readyTimeoutMs ?? 60_000, intervalMs: 100, what: `${options.script} on port ${port}` },
    ).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * CPU seconds the server has used, all threads, from /proc (Linux; undefined elsewhere). Steadier
   * than its request rate, since autocannon shares its core.
   */
  async cpuSeconds(): Promise<number | undefined> {
    return this.child.pid === undefined ? undefined : processCpuSeconds(this.child.pid);
  }

  /** Resident memory in MiB, from /proc (Linux; undefined elsewhere). */
  async rssMiB(): Promise<number | undefined> {
    return this.child.pid === undefined ? undefined : processRssMiB(this.child.pid);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
