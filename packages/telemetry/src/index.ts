export { traceLogFields } from './log-fields.js';
export { startTracing, type Tracing, type TracingEnv } from './tracing.js';
