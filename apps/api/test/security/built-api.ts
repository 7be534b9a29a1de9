import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { freePort, SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { ADMIN, deletePrefix, FILE_LINK_SECRET, TOKEN } from '../helpers.js';

const appDir = new URL('../..', import.meta.url).pathname;

/** The built API (`node dist/server.js`, as its image runs it) on a port of its own, its JSON log lines kept. */
export class BuiltApi {
  readonly lines: Record<string, unknown>[] = [];
  private stderrText = '';
  private readonly lineRead = new EventEmitter();
  private readonly exited: Promise<unknown>;

  private constructor(
    readonly url: string,
    readonly env: Record<string, string>,
    private readonly child: ChildProcessByStdio<null, Readable, Readable>,
    private readonly ownStorage: string | undefined,
  ) {
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString('utf8');
    });
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        this.lines.push({ msg: text });
      }
      this.lineRead.emit('line');
    });
    // 'close', not 'exit': by then stderr has been read whole.
    this.exited = once(child, 'close');
  }

  /**
   * Starts it on the shared Redis under a prefix of its own (unless `overrides` names one, as two
   * instances of one deployment share theirs) and waits until it answers /healthz.
   */
  static async start(overrides: Record<string, string> = {}): Promise<BuiltApi> {
    const port = await freePort();
    const storage = overrides.STORAGE_DIR ? undefined : await mkdtemp(join(tmpdir(), 'nightshift-security-'));
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: SHARED_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix('security'),
      API_TOKENS: TOKEN,
      ADMIN_USER: ADMIN.user,
      ADMIN_PASSWORD: ADMIN.password,
      FILE_LINK_SECRET,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      UNSUBSCRIBE_LINK_SECRET: 'a-security-suite-unsubscribe-secret-0123456789',
      RESEND_WEBHOOK_ENABLED: 'false',
      // The shared test Redis persists nothing; production refuses that unless told the risk is known.
      REDIS_ALLOW_NO_PERSISTENCE: 'true',
      ...(storage ? { STORAGE_DIR: storage } : {}),
      ...overrides,
    };
    const child = spawn(process.execPath, ['dist/server.js'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const api = new BuiltApi(`http://127.0.0.1:${port}`, env, child, storage);
    try {
      await api.waitHealthy();
    } catch (error) {
      await api.stop();
      throw error;
    }
    return api;
  }

  private async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    while (Date.now() < deadline) {
      if (exited) throw new Error(`the built API exited before it answered:\n${this.tail()}`);
      const status = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the built API did not answer /healthz within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** The log lines that match, once there are `count` of them. */
  async linesMatching(match: (line: Record<string, unknown>) => boolean, count = 1, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.filter(match);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${found.length} of ${count} log lines within ${timeoutMs} ms:\n${this.tail()}`);
      await Promise.race([once(this.lineRead, 'line'), new Promise((resolve) => setTimeout(resolve, left).unref())]);
    }
  }

  /** The process id, to signal it. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** A request with the bearer token unless `headers` says otherwise. */
  fetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...init.headers } });
  }

  tail(count = 20): string {
    return [...this.lines.slice(-count).map((line) => JSON.stringify(line)), this.stderrText.slice(-2_000)].join('\n');
  }

  /** Stops the process, then deletes its keys and storage folder. */
  async stop({ keepKeys = false } = {}): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
    if (!keepKeys) await deletePrefix(this.env.REDIS_URL ?? SHARED_REDIS_URL, this.env.QUEUE_PREFIX ?? '');
    if (this.ownStorage) await rm(this.ownStorage, { recursive: true, force: true });
  }
}
