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

/**
 * Passes an upload through, failing when it exceeds `maxBytes` or is not the image its
 * Content-Type says. A generator, so nothing is read (and nothing can fail unheard) until
 * storage consumes it.
 */
export async function* checkedImage(
  source: AsyncIterable<Buffer>,
  contentType: ImageContentType,
  maxBytes: number,
): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let checked = false;
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > maxBytes) throw new ApiError('IMAGE_TOO_LARGE', `image exceeds the limit of ${maxBytes} bytes`);
    if (checked) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    if (head.length < HEAD_BYTES) continue;
    checkHead(head, contentType);
    checked = true;
    yield head;
  }
  if (!checked) {
    checkHead(head, contentType);
    yield head;
  }
}

function checkHead(head: Buffer, contentType: ImageContentType): void {
  if (head.length === 0) throw new ApiError('EMPTY_BODY', 'the request body is empty: send the image bytes');
  if (!signatures[contentType](head)) {
    throw new ApiError('IMAGE_TYPE_MISMATCH', `the body is not a ${contentType} image (its first bytes say otherwise)`);
  }
}
