/** A key that would escape the store or name something odd. Never reaches the file system. */
export class InvalidStorageKeyError extends Error {
  readonly code = 'INVALID_STORAGE_KEY';
  override readonly name = 'InvalidStorageKeyError';

  constructor(readonly key: string) {
    super(
      `invalid storage key ${JSON.stringify(key.slice(0, 200))}: use "/"-separated segments of letters, digits, ".", "_" or "-"`,
    );
  }
}

export class ObjectNotFoundError extends Error {
  readonly code = 'OBJECT_NOT_FOUND';
  override readonly name = 'ObjectNotFoundError';

  constructor(readonly key: string) {
    super(`no stored object at ${key}`);
  }
}

/**
 * The store did not answer, or answered that it cannot serve now (a network error, a timeout, a 5xx,
 * a bucket that is gone). Nothing about the request is wrong: the same call can succeed later, so
 * the API answers 503 and a worker puts the job back without spending an attempt.
 */
export class StorageUnavailableError extends Error {
  readonly code = 'STORAGE_UNAVAILABLE';
  override readonly name = 'StorageUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A configuration the store refuses for good (no such bucket, rejected credentials): an app stops at start, naming it. */
export class StorageConfigError extends Error {
  readonly code = 'STORAGE_MISCONFIGURED';
  override readonly name = 'StorageConfigError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A `STORAGE_URL` that names no backend we have, or one without what that backend needs. */
export class InvalidStorageUrlError extends Error {
  readonly code = 'INVALID_STORAGE_URL';
  override readonly name = 'InvalidStorageUrlError';
}
