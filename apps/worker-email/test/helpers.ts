import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseEnv } from '@nightshift/config';
import { createQueue } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { type Env, envSchema } from '../src/env.js';

export const appDir = fileURLToPath(new URL('..', import.meta.url));

/** The variables of one test's worker: its own prefix on the shared Redis, metrics on a free port. */
export function testVariables(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('email'),
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...overrides,
  };
}

export function testEnv(variables: Record<string, string>): Env {
  return parseEnv(envSchema, variables);
}

export function emailQueue(env: Pick<Env, 'REDIS_URL' | 'QUEUE_PREFIX'>) {
  return createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
}

export interface WorkerProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  exited: Promise<number | null>;
  /** Resolves once stdout has carried `text` (pino lines are JSON: match a fragment such as `"msg":"signal received"`). */
  printed(text: string): Promise<void>;
  output(): string;
}

/** Runs an entry of this app from its TypeScript source, as `pnpm dev` does. */
export function spawnWorker(entry: string, variables: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nightshift/source', entry], {
    cwd: appDir,
    env: { ...process.env, ...variables },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    child.emit('printed');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!output.includes(text)) return;
        child.off('printed', check);
        resolve();
      };
      child.on('printed', check);
      void exited.then(() => reject(new Error(`the worker exited before printing ${text}:\n${output.slice(-2_000)}`)));
      check();
    });
  return { child, exited, printed, output: () => output };
}
