export * from './accept-job-data.js';
export * from './cancellation.js';
export * from './connection.js';
export { recordedContractVersion } from './contract-version.js';
export * from './create-flow-producer.js';
export * from './create-queue.js';
export * from './create-worker.js';
export { DEFAULT_JOB_OPTIONS, type RedisTarget, withDefaultJobOptions } from './queue-options.js';
export { jobDataSchema } from './validate.js';
