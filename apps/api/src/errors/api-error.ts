import type { JobDataIssue } from '@nightshift/contracts';
import { type ErrorCode, type ErrorStatus, errorCodes } from './error-codes.js';

export interface ApiErrorOptions {
  /** The fields at fault, as `{ path, message }`. */
  issues?: JobDataIssue[];
  headers?: Record<string, string>;
}

/** An error a client is told about: a listed code, whose status comes from the list. */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';
  readonly statusCode: ErrorStatus;
  readonly issues: JobDataIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    { issues, headers = {} }: ApiErrorOptions = {},
  ) {
    super(message);
    this.statusCode = errorCodes[code].status;
    this.issues = issues;
    this.headers = headers;
  }
}
