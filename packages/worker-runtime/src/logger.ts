import { type Logger, pino } from 'pino';

export type { Logger };

/** pino JSON on stdout; every line carries the app's name so interleaved logs stay readable. */
export function createLogger(app: string, level: string): Logger {
  return pino({ level, base: { app }, timestamp: pino.stdTimeFunctions.isoTime });
}
