import { Transform, type TransformCallback } from 'node:stream';
import { ApiError } from '../errors/index.js';

export const imageContentTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif', 'image/tiff'] as const;
export type ImageContentType = (typeof imageContentTypes)[number];

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/** Whether the first bytes are those of the declared format, so a mislabelled upload never reaches a worker. */
const signatures: Record<ImageContentType, (head: Buffer) => boolean> = {
  'image/jpeg': (head) => head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  'image/png': (head) => head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/gif': (head) => ascii(head, 0, 4) === 'GIF8',
  'image/webp': (head) => ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP',
  'image/tiff': (head) => ['II*\0', 'MM\0*'].includes(ascii(head, 0, 4)),
  'image/avif': (head) => ascii(head, 4, 8) === 'ftyp' && ['avif', 'avis', 'mif1', 'msf1'].includes(ascii(head, 8, 12)),
};
const HEAD_BYTES = 12;

/** Passes an upload through, failing it when it exceeds `maxBytes` or is not the image its Content-Type says. */
export class ImageIntake extends Transform {
  private head = Buffer.alloc(0);
  private checked = false;
  bytes = 0;

  constructor(
    private readonly contentType: ImageContentType,
    private readonly maxBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new ApiError(413, 'IMAGE_TOO_LARGE', `image exceeds the limit of ${this.maxBytes} bytes`));
      return;
    }
    if (this.checked) {
      callback(null, chunk);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < HEAD_BYTES) {
      callback();
      return;
    }
    this.release(callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.checked) callback();
    else this.release(callback);
  }

  private release(callback: TransformCallback): void {
    this.checked = true;
    if (this.head.length === 0) {
      callback(new ApiError(400, 'EMPTY_BODY', 'the request body is empty: send the image bytes'));
    } else if (!signatures[this.contentType](this.head)) {
      callback(
        new ApiError(415, 'IMAGE_TYPE_MISMATCH', `the body is not a ${this.contentType} image (its first bytes say otherwise)`),
      );
    } else {
      callback(null, this.head);
    }
  }
}
