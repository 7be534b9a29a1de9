import { describeIssues, type JobDataIssue } from '@nightshift/contracts';
import { ApiError } from './api-error.js';

/**
 * A request part (body, querystring, params, headers) that does not match its route's schema.
 * A path parameter that cannot exist names a resource that is not there: 404, and an unknown
 * queue says so, as it does on the routes that exist once per queue.
 */
export class RequestValidationError extends ApiError {
  override readonly name = 'RequestValidationError';

  constructor(
    readonly part: string,
    issues: JobDataIssue[],
  ) {
    const code =
      part !== 'params' ? 'INVALID_REQUEST' : issues.some((issue) => issue.path === 'queue') ? 'QUEUE_NOT_FOUND' : 'NOT_FOUND';
    super(code, `invalid ${part}: ${describeIssues(issues)}`, { issues });
  }
}
