import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  bytes: number;
  modifiedAt: Date;
}

/**
 * Where the API and the workers exchange files: uploaded images, report data, rendered output.
 * Keys are `folder/name` paths of safe characters; writes are atomic, so a reader never sees
 * half a file. A directory implements it today; an object store can replace it later.
 */
export interface Storage {
  put(key: string, body: Uint8Array | string): Promise<StoredObject>;
  /** Streams the body to its final place; a failed stream leaves nothing behind. */
  putStream(key: string, body: Readable): Promise<StoredObject>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Promise<Readable>;
  stat(key: string): Promise<StoredObject | undefined>;
  /**
   * The object's path on this machine, when storage is a local directory and the object exists:
   * for libraries that read files themselves (sharp decodes while it reads, instead of the whole
   * file being held in memory first). An object store leaves it out; callers then use `get`.
   */
  localPath?(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}
