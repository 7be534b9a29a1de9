import { UnrecoverableError } from 'bullmq';

/** Why an attempt failed, in few enough classes to be a metric label. */
export type FailureReason = 'cancelled' | 'stalled' | 'unrecoverable' | 'error';

// BullMQ's own message for a job that stalled more often than `maxStalledCount` allows.
const STALLED_MESSAGE = 'job stalled more than allowable limit';

/**
 * `cancelled`: its cancellation was requested; `stalled`: its worker stopped renewing the lock
 * too often; `unrecoverable`: the processor said retrying is pointless (invalid payload, a
 * permanent refusal); `error`: anything else, retried while attempts remain.
 */
export function failureReason(error: Error): FailureReason {
  if (error.message.startsWith('cancelled:')) return 'cancelled';
  if (error.message === STALLED_MESSAGE) return 'stalled';
  if (error instanceof UnrecoverableError || error.name === 'UnrecoverableError') return 'unrecoverable';
  return 'error';
}
