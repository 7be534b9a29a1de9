import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  bytes: number;
  modifiedAt: Date;
}

export interface DownloadUrlOptions {
  /** How long the link works; a client follows it at once, so keep it short. */
  expiresInSeconds: number;
  /** The `Content-Disposition` the download is answered with, e.g. `attachment; filename="q3.pdf"`. */
  disposition: string;
  contentType: string;
}

/**
 * Where the API and the workers exchange files: uploaded images, report data, rendered output.
 * A directory (`FileStorage`, one machine) or an S3 bucket (`S3Storage`, any number of hosts)
 * implement it, and nothing else may be assumed about either. Keys are `folder/name` paths of
 * safe characters; writes are atomic, so a reader never sees half an object.
 *
 * Failures are typed: a missing object is an `ObjectNotFoundError` (naming the key), a store
 * that cannot answer now a `StorageUnavailableError`, a bad key an `InvalidStorageKeyError`.
 */
export interface Storage {
  put(key: string, body: Uint8Array | string): Promise<StoredObject>;
  /** Streams the body to its final place; a failed stream leaves nothing behind and rethrows the stream's own error. */
  putStream(key: string, body: Readable): Promise<StoredObject>;
  get(key: string): Promise<Buffer>;
  /** Opens the object for reading; a missing one fails here, not later as a stream 'error'. */
  stream(key: string): Promise<Readable>;
  stat(key: string): Promise<StoredObject | undefined>;
  /**
   * Runs `use` with the object as a file on this machine, for libraries that read files
   * themselves (sharp decodes while it reads, instead of the whole object sitting in memory):
   * the object's own file in a directory, a temporary copy (streamed, removed afterwards) otherwise.
   */
  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T>;
  /**
   * A short-lived link a client can fetch the object from without us in between, when the
   * store serves clients itself (S3 presigned URLs). A directory has none: the API streams.
   * Fails with `ObjectNotFoundError` for a missing object, so a link never points at nothing.
   */
  downloadUrl?(key: string, options: DownloadUrlOptions): Promise<string>;
  /** Where the object lives, for logs: a path or an `s3://` URL. Checks the key, not the object. */
  locate(key: string): string;
  /**
   * Checks at start that the store can be used: throws `StorageConfigError` for what will never
   * work (a missing bucket, rejected credentials) and `StorageUnavailableError` for what may pass.
   */
  check(): Promise<void>;
  delete(key: string): Promise<void>;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}
