/**
 * Thrown by a processor when the service it calls says "not now" (HTTP 429). The runtime
 * pauses the queue for `retryAfterMs` through BullMQ's manual rate limit and puts the job
 * back in the wait list, so waiting never spends one of the job's attempts.
 */
export class RateLimitedError extends Error {
  readonly code = 'RATE_LIMITED';
  override readonly name = 'RateLimitedError';

  constructor(
    readonly retryAfterMs: number,
    message = `rate limited: retry in ${retryAfterMs} ms`,
  ) {
    super(message);
    if (!Number.isFinite(retryAfterMs) || retryAfterMs < 0) {
      throw new RangeError(`retryAfterMs must be a finite number of milliseconds >= 0, got ${retryAfterMs}`);
    }
  }
}
