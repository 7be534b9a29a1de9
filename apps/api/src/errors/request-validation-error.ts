import { describeIssues, type JobDataIssue } from '@nightshift/contracts';

/** A request part (body, querystring, params, headers) that does not match its route's schema. */
export class RequestValidationError extends Error {
  readonly code = 'INVALID_REQUEST';
  override readonly name = 'RequestValidationError';
  readonly statusCode = 400;

  constructor(
    readonly part: string,
    readonly issues: JobDataIssue[],
  ) {
    super(`invalid ${part}: ${describeIssues(issues)}`);
  }
}
