import type { ContractProcessor } from '@nightshift/jobs';
import { ObjectNotFoundError, outputFileId, type Storage, storageKeys } from '@nightshift/storage';
import { ImageRejectedError } from './operations/image-rejected-error.js';
import { openInput } from './operations/open-input.js';
import { extensionOf } from './operations/output.js';
import { type EncodedImage, runOperations } from './operations/run-operations.js';

export interface ImageProcessorOptions {
  storage: Storage;
  /** `IMAGE_MAX_INPUT_PIXELS`: the most pixels an input, or any step's result, may have. */
  maxPixels: number;
}

/**
 * Reads the uploaded image, applies the job's operations in order and stores one output under a
 * file id derived from the job, so a retry or re-run overwrites it. Storage failures are retried;
 * anything wrong with the image or the operations fails the job at once.
 */
export function createProcessor({ storage, maxPixels }: ImageProcessorOptions): ContractProcessor<'image-processing'> {
  return async (job, _token, signal) => {
    const { imageId, operations } = job.data;
    const image = await withUpload(storage, imageId, async (path) => {
      const input = await openInput(path, { imageId, maxPixels });
      signal?.throwIfAborted();
      return runOperations(input, operations, {
        imageId,
        maxPixels,
        signal,
        // Not awaited: the write goes out on the worker's connection ahead of the job's completion,
        // so it lands first anyway, and waiting cost every job a Redis round trip. Should it fail,
        // Redis is unreachable and the completion fails too, so nothing is hidden by the catch.
        onProgress: (done) => {
          job.updateProgress(Math.round((100 * done) / operations.length)).catch(() => undefined);
        },
      });
    });
    const fileId = outputFileId('image-processing', String(job.id), extensionOf(image.format));
    const stored = await storage.put(storageKeys.file(fileId), image.data);
    // Not awaited, for the reason progress is not: it lands ahead of the completion on the same connection.
    job.log([...image.steps, `saved as ${image.format}, ${Math.ceil(stored.bytes / 1024)} KB`].join('; ')).catch(() => undefined);
    return { fileId, format: image.format, width: image.width, height: image.height, bytes: stored.bytes };
  };
}

/**
 * Runs `use` on the uploaded image as a file, which sharp reads best: it decodes while it reads,
 * so an upload of up to IMAGE_MAX_BYTES never sits whole in the heap. In a directory that is the
 * upload's own file; from a bucket, a temporary copy. Either way the file decoded is the file
 * whose header was checked.
 */
async function withUpload(
  storage: Storage,
  imageId: string,
  use: (path: string) => Promise<EncodedImage>,
): Promise<EncodedImage> {
  try {
    return await storage.withLocalFile(storageKeys.image(imageId), use);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new ImageRejectedError('IMAGE_NOT_FOUND', `image ${imageId} not found in storage (${error.key})`);
    }
    throw error;
  }
}
