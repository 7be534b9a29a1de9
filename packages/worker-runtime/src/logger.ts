import { traceLogFields } from '@nightshift/telemetry';
import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * pino JSON on stdout; every line carries the app's name so interleaved logs stay readable and,
 * with tracing on, the ids of the span it was written in (without, the mixin finds no span).
 */
export function createLogger(app: string, level: string): Logger {
  return pino({ level, base: { app }, timestamp: pino.stdTimeFunctions.isoTime, mixin: traceLogFields });
}
