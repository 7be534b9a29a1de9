import { createHash } from 'node:crypto';
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

/** Longest encoded job id kept readable; longer ones are hashed so the key stays within a segment's length. */
const MAX_READABLE_ID = 160;

/**
 * A worker's output file id, derived from the job so a re-run of the same job overwrites its
 * file instead of adding a second one. Job ids of schedulers contain ":", which keys refuse, so
 * ids are escaped rather than replaced: letters, digits and "-" stay, every other byte becomes
 * "_" and two hex digits ("_" itself too). Distinct ids thus get distinct files (`a:b` is
 * `a_3ab`, `a_b` is `a_5fb`). An id too long to escape becomes `.` and its SHA-256 instead: no
 * escaped id contains a ".", so the two forms never meet.
 */
export function outputFileId(queue: string, jobId: string, extension: string): string {
  const escaped = Array.from(new TextEncoder().encode(jobId), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
  }).join('');
  const id = escaped.length <= MAX_READABLE_ID ? escaped : `.${createHash('sha256').update(jobId).digest('hex')}`;
  return `${queue}-${id}.${extension}`;
}
