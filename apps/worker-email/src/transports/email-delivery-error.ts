/** A send that failed for a reason that may pass (server error, network): BullMQ retries it with backoff. */
export class EmailDeliveryError extends Error {
  readonly code = 'EMAIL_DELIVERY_FAILED';
  override readonly name = 'EmailDeliveryError';

  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}
