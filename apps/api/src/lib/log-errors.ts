import { pino } from 'pino';

/** What a log line may say about the job a failed write was for: never its data. */
export interface JobContext {
  queue?: string;
  /** A flow spans queues: its name instead. */
  flow?: string;
  jobId?: string;
  jobIds?: string[];
}

const jobContexts = new WeakMap<object, JobContext>();

/**
 * Runs a write to Redis; if it fails, its error remembers which queue and job ids it was for, so
 * the error's log line can name them (see the errors plugin) without the job's data.
 */
export async function writingJobs<T>(context: JobContext, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (typeof error === 'object' && error !== null && !jobContexts.has(error)) jobContexts.set(error, context);
    throw error;
  }
}

export function jobContextOf(error: unknown): JobContext | undefined {
  return typeof error === 'object' && error !== null ? jobContexts.get(error) : undefined;
}

/**
 * pino's error serializer, minus the arguments of the command ioredis attaches to its errors
 * (`command.args`): for a job's add they are its data (addresses, names), and for a script sent
 * with EVAL the whole script. The command's name stays. Errors nested in the error are treated alike.
 */
export function serializeError(error: Error): ReturnType<typeof pino.stdSerializers.err> {
  const serialized = pino.stdSerializers.err(error);
  withoutCommandArguments(serialized, 0);
  return serialized;
}

function withoutCommandArguments(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > 5) return;
  for (const [key, inner] of Object.entries(value)) {
    const record = value as Record<string, unknown>;
    if (key === 'command' && typeof inner === 'object' && inner !== null) {
      record[key] = { name: (inner as { name?: unknown }).name };
    } else if (typeof inner === 'object') {
      withoutCommandArguments(inner, depth + 1);
    }
  }
}
