import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const appDir = new URL('..', import.meta.url).pathname;

/** `src/server.ts` in a child process, as production runs it (minus the build). */
export function startServer(env: Record<string, string>): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nightshift/source', 'src/server.ts'], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return { child, lines };
}

export async function lineMatching(lines: AsyncIterator<string>, pattern: RegExp): Promise<string> {
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error(`server exited before logging ${pattern}`);
    if (process.env.DEBUG_SERVER) console.log(value);
    if (pattern.test(value)) return value;
  }
}
