import { type JobDataIssue, toJobDataIssues } from '@nightshift/contracts';
import { ZodError, type z } from 'zod';

/** A zod error as the issues a 400 lists, with each unknown field named on its own. */
export function validationIssues(error: z.ZodError): JobDataIssue[] {
  return toJobDataIssues(namingUnknownKeys(error));
}

/** zod reports unknown fields once, at their parent; one issue per field names each of them. */
function namingUnknownKeys(error: z.ZodError): z.ZodError {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          code: 'custom',
          path: [...issue.path, key],
          message: 'is not a known field',
          input: undefined,
        }))
      : [issue],
  );
  return new ZodError(issues);
}
