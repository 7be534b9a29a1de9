export { ApiError, type ApiErrorOptions } from './api-error.js';
export { type ErrorCode, type ErrorStatus, errorCodeNames, errorCodes, errorStatusMeanings } from './error-codes.js';
export { RequestValidationError } from './request-validation-error.js';
