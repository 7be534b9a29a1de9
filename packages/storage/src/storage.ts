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
  delete(key: string): Promise<void>;
}
