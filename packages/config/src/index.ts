export * from './env.js';
export * from './parse-env.js';
