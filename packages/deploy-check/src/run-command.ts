import { spawn } from 'node:child_process';
import { ImageStepError } from './image-step-error.js';

export interface RunCommandOptions {
  app: string;
  step: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  user?: { uid: number; gid: number };
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a command to completion and reports how it ended, whatever its exit code. */
export function execCommand([command, ...args]: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  if (!command) throw new Error(`${options.app}: ${options.step} has no command`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.user,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(new ImageStepError(options.app, options.step, `${command}: ${error.message}`, output)));
    child.once('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/** Runs one build step; anything but exit 0 is an `ImageStepError` carrying the output. */
export async function runCommand(command: readonly string[], options: RunCommandOptions): Promise<string> {
  const { code, signal, output } = await execCommand(command, options);
  if (code === 0) return output;
  const why = signal ? `killed by ${signal}` : `exit code ${code}`;
  throw new ImageStepError(options.app, options.step, `\`${command.join(' ')}\` ended with ${why}`, output);
}
