/** Where a job records the contract version it was produced under: one of its BullMQ options. */
export const CONTRACT_VERSION_OPTION = 'contractVersion';

export type ContractVersionProblem = 'unknown-version' | 'newer-version' | 'upcast-failed';

/**
 * A payload that a worker cannot bring to its own contract version: a recorded version that is
 * not one it knows, one newer than its own, or an upcaster that threw. Names the versions and the
 * field at fault.
 */
export class ContractVersionError extends Error {
  override readonly name = 'ContractVersionError';

  constructor(
    readonly problem: ContractVersionProblem,
    readonly details: {
      queue: string;
      /** What the job recorded, as it was (it may not be a number at all). */
      recorded: unknown;
      /** The version this code knows. */
      current: number;
      /** Dotted path of the field at fault: the version option, or the payload field an upcaster named. */
      path: string;
    },
    message: string,
  ) {
    super(message);
  }
}
