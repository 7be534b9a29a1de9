import { ImageRejectedError } from './image-rejected-error.js';

/**
 * libvips and sharp report failures as text only. These mean the machine, not the image, failed
 * (memory, disk, file handles, a file that went away): another attempt, perhaps on another worker,
 * can succeed. Anything else (a corrupt or truncated input) fails the same way every time.
 */
const MACHINE_FAILURE =
  /out of memory|cannot allocate|bad_alloc|no space left|too many open files|input\/output error|resource temporarily unavailable|input file is missing|unable to open|\bE(?:IO|NOSPC|NOMEM|MFILE|NFILE|AGAIN)\b/i;

/** An attempt that failed for a reason outside the image: a plain error, so the job is retried with backoff. */
export class ImageAttemptFailedError extends Error {
  readonly code = 'IMAGE_ATTEMPT_FAILED';
  override readonly name = 'ImageAttemptFailedError';
}

/** What to throw for an error sharp raised while reading (the header) or processing `imageId`. */
export function imageFailure(error: unknown, imageId: string, stage: 'reading' | 'processing'): Error {
  const reason = error instanceof Error ? error.message : String(error);
  if (MACHINE_FAILURE.test(reason)) {
    return new ImageAttemptFailedError(`${stage} image ${imageId} failed for a reason outside the image, will retry: ${reason}`);
  }
  const what = stage === 'reading' ? 'is not a readable image' : 'could not be processed';
  return new ImageRejectedError('UNDECODABLE', `image ${imageId} ${what}: ${reason}`);
}
