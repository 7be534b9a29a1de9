import { describeIssues, imageProcessingResultSchema, toJobDataIssues } from '@nightshift/contracts';
import { ObjectNotFoundError, type Storage, storageKeys } from '@nightshift/storage';
import { UnrecoverableError } from 'bullmq';
import type { EmbeddedImage } from './documents/render-request.js';

/** react-pdf embeds PNG and JPEG only; webp and avif would need decoding, which this worker does not do. */
const EMBEDDABLE = { png: [0x89, 0x50, 0x4e, 0x47], jpeg: [0xff, 0xd8, 0xff] } as const;

/**
 * The images made by this job's children in the report-delivery flow, as
 * `job.getChildrenValues()` returns them (keyed by child job key). Ordered by that key so a
 * re-run lays them out the same. Images in a format a PDF cannot carry come back without
 * `data` and render as a note naming them and why.
 */
export async function loadImages(storage: Storage, childrenValues: Record<string, unknown>): Promise<EmbeddedImage[]> {
  const entries = Object.entries(childrenValues).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    entries.map(async ([childKey, value]) => {
      const parsed = imageProcessingResultSchema.safeParse(value);
      if (!parsed.success) {
        throw new UnrecoverableError(
          `child job ${childKey} returned no image result: ${describeIssues(toJobDataIssues(parsed.error))}`,
        );
      }
      const { fileId, format, width, height } = parsed.data;
      const image: EmbeddedImage = { fileId, format, width, height };
      if (format !== 'png' && format !== 'jpeg') return { ...image, skipped: `${format} cannot be embedded in a PDF` };
      const data = await readImage(storage, fileId, childKey);
      // Trust the bytes, not the label: a mislabelled file would make react-pdf throw mid-render.
      if (!startsWith(data, EMBEDDABLE[format])) return { ...image, skipped: `the stored file is not a ${format}` };
      return { ...image, data };
    }),
  );
}

async function readImage(storage: Storage, fileId: string, childKey: string): Promise<Uint8Array> {
  try {
    return await storage.get(storageKeys.file(fileId));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new UnrecoverableError(`image ${fileId} made by child job ${childKey} is missing from storage (${error.key})`);
    }
    throw error;
  }
}

function startsWith(data: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => data[index] === byte);
}
