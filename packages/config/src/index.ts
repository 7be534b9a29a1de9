export * from './app-manifest.js';
export * from './env.js';
export * from './parse-env.js';
