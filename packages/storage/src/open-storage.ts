import { StorageUnavailableError } from './errors.js';
import { FileStorage } from './file-storage.js';
import type { StorageLocation } from './location.js';
import { S3Storage } from './s3-storage.js';
import type { Storage } from './storage.js';

/** The backend a parsed `STORAGE_URL` names. Connects nothing yet: check it with `checkStorageAtStart`. */
export function createStorage(location: StorageLocation): Storage {
  return location.kind === 'file' ? new FileStorage(location.root) : new S3Storage(location);
}

/**
 * For an app's start. What can never work (a missing bucket, refused credentials) throws a
 * `StorageConfigError` naming the variable, so the app exits; a store that does not answer yet
 * is only warned about, since uploads then answer 503 and jobs wait for it.
 */
export async function checkStorageAtStart(storage: Storage, warn: (message: string) => void): Promise<void> {
  try {
    await storage.check();
  } catch (error) {
    if (!(error instanceof StorageUnavailableError)) throw error;
    warn(`storage is not answering at start (${error.message}): uploads answer 503 and jobs wait until it is back`);
  }
}
