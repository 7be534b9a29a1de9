export { ApiError, conflict, notFound } from './api-error.js';
export { RequestValidationError } from './request-validation-error.js';
