import type { z } from 'zod';

export interface JobDataIssue {
  /** Dotted path of the offending field, e.g. `data.activationUrl` or `operations[0].params.width`. */
  path: string;
  message: string;
}

/**
 * A payload that does not satisfy its queue's contract: thrown by producers before anything
 * reaches Redis, and by workers on dequeue. `context` says what happened to it first, such as an
 * upgrade from an older contract version.
 */
export class InvalidJobDataError extends Error {
  readonly code = 'INVALID_JOB_DATA';
  override readonly name = 'InvalidJobDataError';

  constructor(
    readonly queue: string,
    readonly issues: JobDataIssue[],
    context?: string,
  ) {
    super(`invalid ${queue} job data${context ? ` (${context})` : ''}: ${describeIssues(issues)}`);
  }
}

export function toJobDataIssues(error: z.ZodError): JobDataIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export function describeIssues(issues: JobDataIssue[]): string {
  return issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
