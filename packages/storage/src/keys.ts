import { InvalidStorageKeyError } from './errors.js';

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/** Returns the key's segments, or throws: no `..`, no absolute paths, no hidden files, no empty parts. */
export function checkKey(key: string): string[] {
  const segments = key.split('/');
  if (
    key.length > 1_000 ||
    segments.length > 8 ||
    !segments.every((segment) => SEGMENT.test(segment) && !segment.includes('..'))
  ) {
    throw new InvalidStorageKeyError(key);
  }
  return segments;
}

/** The keys both sides agree on, so a producer and a worker never spell a path twice. */
export const storageKeys = {
  image: (imageId: string) => `images/${imageId}`,
  report: (reportId: string) => `reports/${reportId}.json`,
  file: (fileId: string) => `files/${fileId}`,
  /** The name a file is downloaded under (`Content-Disposition`), written by the worker that made it; plain text. */
  downloadName: (fileId: string) => `download-names/${fileId}`,
};

/**
 * A worker's output file id, derived from the job so a re-run of the same job overwrites its
 * file instead of adding a second one. Job ids of schedulers contain ":", which keys refuse.
 */
export function outputFileId(queue: string, jobId: string, extension: string): string {
  return `${queue}-${jobId.replace(/[^A-Za-z0-9_-]/g, '_')}.${extension}`;
}
