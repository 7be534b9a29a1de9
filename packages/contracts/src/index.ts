export * from './email.js';
export { resourceId } from './fields.js';
export * from './image-processing.js';
export * from './invalid-job-data-error.js';
export * from './job-contracts.js';
export * from './parse-job-data.js';
export * from './pdf.js';
export * from './report.js';
