import type { z } from 'zod';
import type { Upcaster } from './versions/upcaster.js';

/** One queue's contract: what goes in, what comes out, and the version history of what goes in. */
export interface JobContract<Data extends z.ZodType = z.ZodType, Result extends z.ZodType = z.ZodType> {
  /**
   * Raised by one with each change to `data` that a worker or producer of the previous version
   * could trip on (see the README's versioning rules). Every job records the version it was
   * produced under; `pnpm contracts:check` compares it with the last released one.
   */
  readonly version: number;
  readonly data: Data;
  readonly result: Result;
  /**
   * One upcaster per step, from the oldest version a worker still accepts up to `version - 1`,
   * in order. Empty while `version` is the only one.
   */
  readonly upcasters: readonly Upcaster[];
  /**
   * Payloads the contract accepts, written as a producer would: the tests and suites that need
   * a valid job of each queue take them from here, so a new queue brings its own. `defineContract`
   * checks each against `data` at import, naming the field, so none can drift from the schema.
   */
  readonly examples: readonly [unknown, ...unknown[]];
  /**
   * True for a queue whose jobs go to endpoints its users register, each with a signing secret and
   * a failure count (webhook delivery): the API serves `/v1/<queue>-endpoints/{id}` to register,
   * read and re-enable them, and `@nightshift/jobs`' `EndpointStore` keeps them in Redis.
   */
  readonly endpoints?: boolean;
  /**
   * The job names its producers use. Worker metrics count jobs per name for these and under
   * `other` for any other name: names are chosen by clients, and each new one would be a new series.
   */
  readonly jobNames?: readonly string[];
}

/**
 * Checks at import that the version is a positive integer, the upcasters lead to it one step at
 * a time, and each example is a payload the contract accepts.
 */
export function defineContract<Data extends z.ZodType, Result extends z.ZodType>(
  contract: JobContract<Data, Result>,
): JobContract<Data, Result> {
  const { version, upcasters } = contract;
  if (!Number.isInteger(version) || version < 1) throw new Error(`a contract version must be a positive integer, not ${version}`);
  const first = version - upcasters.length;
  if (first < 1) throw new Error(`a version ${version} contract has ${upcasters.length} upcasters: at most ${version - 1}`);
  upcasters.forEach((upcaster, index) => {
    if (upcaster.from !== first + index) {
      const expected = upcasters.map((_, step) => `${first + step}→${first + step + 1}`).join(', ');
      throw new Error(`the upcasters of a version ${version} contract must go ${expected}; found one from ${upcaster.from}`);
    }
  });
  contract.examples.forEach((example, index) => {
    const parsed = contract.data.safeParse(example);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new Error(`example ${index + 1} does not fit its contract: ${fields}`);
    }
  });
  return contract;
}
