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
