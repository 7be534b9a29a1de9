export * from './cancellation.js';
export * from './connection.js';
export * from './contracts/index.js';
export * from './create-flow-producer.js';
export * from './create-queue.js';
export * from './create-worker.js';
export * from './errors/index.js';
export { DEFAULT_JOB_OPTIONS, type RedisTarget, withDefaultJobOptions } from './queue-options.js';
export { jobDataSchema, parseJobData } from './validate.js';
