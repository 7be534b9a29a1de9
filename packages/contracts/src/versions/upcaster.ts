/** A payload as an upcaster sees it: the JSON object a producer of an older contract version wrote. */
export type PayloadRecord = Record<string, unknown>;

export interface UpcastExample {
  /** A payload of the upcaster's `from` version. */
  before: PayloadRecord;
  /** What `upgrade(before)` returns. */
  after: PayloadRecord;
}

/**
 * Upgrades a payload from contract version `from` to `from + 1`. Workers run the chain from a
 * job's recorded version up to their own before the processor sees the payload, on every
 * attempt, so `upgrade` must be pure: no I/O, no clock, no randomness, no mutation of its input.
 */
export interface Upcaster {
  readonly from: number;
  readonly upgrade: (payload: PayloadRecord) => PayloadRecord;
  /** The contracts tests run every example, so no upcaster ships untested. */
  readonly examples: readonly [UpcastExample, ...UpcastExample[]];
}

/**
 * Thrown by an upcaster that cannot upgrade a payload, naming the field at fault (dotted, as in
 * `InvalidJobDataError`): `throw new UpcastError('data.amount', 'must be a number to become amountCents')`.
 */
export class UpcastError extends Error {
  override readonly name = 'UpcastError';

  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
