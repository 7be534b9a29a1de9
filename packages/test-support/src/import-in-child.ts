import { execFile } from 'node:child_process';

export interface ImportOutcome {
  code: number;
  stderr: string;
}

/**
 * Imports a TypeScript module in a fresh Node process with only the given environment, as a tool
 * or a test of another package would, and reports how that process ended.
 */
export function importInChild(module: string, options: { cwd: string; env: Record<string, string> }): Promise<ImportOutcome> {
  const script = `await import(${JSON.stringify(module)});`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@nightshift/source', '--input-type=module', '--eval', script],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, timeout: 30_000 },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stderr });
      },
    );
  });
}
