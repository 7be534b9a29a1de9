export { type PermanentFailure, sendAlert, sendFailureAlert } from './alerts.js';
export { type FailureReason, failureReason } from './failure-reason.js';
export { jobFields } from './job-fields.js';
export { createLogger, type Logger } from './logger.js';
export { jobNameLabel, OTHER_JOB_NAME, WorkerMetrics } from './metrics.js';
export { RateLimitedError } from './rate-limited-error.js';
export { type RunningWorker, runWorkerMain, type StartWorkerOptions, startWorker } from './run-worker.js';
export { ServiceRefusedError } from './service-refused-error.js';
