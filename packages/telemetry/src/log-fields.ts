import { trace } from '@opentelemetry/api';

/**
 * pino's `mixin`: the active span's ids on every log line written inside it, under the names
 * OpenTelemetry's log data model uses, so a log line leads to its trace. Nothing without tracing.
 */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
}
