import { UnrecoverableError } from 'bullmq';

export type ImageRejectionCode =
  | 'IMAGE_NOT_FOUND'
  | 'UNSUPPORTED_FORMAT'
  | 'TOO_MANY_PIXELS'
  | 'CROP_OUT_OF_BOUNDS'
  | 'UNDECODABLE';

/**
 * An image or an operation that can never succeed, however often it is retried: BullMQ
 * fails the job at once because this is an `UnrecoverableError`.
 */
export class ImageRejectedError extends UnrecoverableError {
  constructor(
    readonly code: ImageRejectionCode,
    message: string,
  ) {
    super(message);
  }
}
