import type { ContractProcessor } from '@nightshift/jobs';
import { ObjectNotFoundError, outputFileId, type Storage, storageKeys } from '@nightshift/storage';
import { ImageRejectedError } from './operations/image-rejected-error.js';
import { type ImageSource, openInput } from './operations/open-input.js';
import { extensionOf } from './operations/output.js';
import { runOperations } from './operations/run-operations.js';

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
    const input = await openInput(await readImage(storage, imageId), { imageId, maxPixels });
    signal?.throwIfAborted();
    const image = await runOperations(input, operations, {
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
    const fileId = outputFileId('image-processing', String(job.id), extensionOf(image.format));
    const stored = await storage.put(storageKeys.file(fileId), image.data);
    // Not awaited, for the reason progress is not: it lands ahead of the completion on the same connection.
    job.log([...image.steps, `saved as ${image.format}, ${Math.ceil(stored.bytes / 1024)} KB`].join('; ')).catch(() => undefined);
    return { fileId, format: image.format, width: image.width, height: image.height, bytes: stored.bytes };
  };
}

/**
 * The uploaded image as sharp reads it best: its file, when storage is a local directory (sharp
 * decodes while it reads, and an upload of up to IMAGE_MAX_BYTES never sits whole in the heap),
 * else its bytes. Uploads are never rewritten, so the file decoded is the file whose header was checked.
 */
async function readImage(storage: Storage, imageId: string): Promise<ImageSource> {
  const key = storageKeys.image(imageId);
  try {
    return (await storage.localPath?.(key)) ?? (await storage.get(key));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new ImageRejectedError('IMAGE_NOT_FOUND', `image ${imageId} not found in storage (${error.key})`);
    }
    throw error;
  }
}
