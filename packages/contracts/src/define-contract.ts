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
}

/** Checks at import that the version is a positive integer and the upcasters lead to it one step at a time. */
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
  return contract;
}
