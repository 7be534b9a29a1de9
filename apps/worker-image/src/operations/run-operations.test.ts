import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageOperation } from '@nightshift/contracts';
import { UnrecoverableError } from 'bullmq';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BLUE, GREEN, meanColour, quadrants, rotatedJpeg, solid, WHITE } from '../../test/images.js';
import { estimateResize, type ResizeParams } from './geometry.js';
import { ImageAttemptFailedError, imageFailure } from './image-failure.js';
import { ImageRejectedError } from './image-rejected-error.js';
import { openInput } from './open-input.js';
import { runOperations } from './run-operations.js';

const MAX_PIXELS = 50_000_000;

async function apply(input: Buffer, operations: ImageOperation[], maxPixels = MAX_PIXELS) {
  const opened = await openInput(input, { imageId: 'img-1', maxPixels });
  const result = await runOperations(opened, operations, { imageId: 'img-1', maxPixels });
  // Read back from the bytes, not from what the pipeline says it did.
  const written = await sharp(result.data).metadata();
  expect({ width: written.width, height: written.height }).toEqual({ width: result.width, height: result.height });
  return { ...result, written };
}

const resize = (params: ResizeParams): ImageOperation => ({ type: 'resize', params });
const crop = (left: number, top: number, width: number, height: number): ImageOperation => ({
  type: 'crop',
  params: { left, top, width, height },
});

describe('resize', () => {
  it.each([
    [{ width: 200, height: 200, fit: 'cover' }, 200, 200],
    [{ width: 200, height: 200, fit: 'contain' }, 200, 200],
    [{ width: 200, height: 200, fit: 'fill' }, 200, 200],
    [{ width: 200, height: 200, fit: 'inside' }, 200, 150],
    [{ width: 200, height: 200, fit: 'outside' }, 267, 200],
    [{ width: 100, fit: 'inside' }, 100, 75],
    [{ height: 100, fit: 'fill' }, 400, 100],
    [{ width: 800, fit: 'inside', withoutEnlargement: true }, 400, 300],
    [{ width: 800, fit: 'inside' }, 800, 600],
    [{ width: 800, height: 800, fit: 'cover', withoutEnlargement: true }, 400, 300],
    [{ width: 800, height: 800, fit: 'contain', withoutEnlargement: true }, 800, 800],
  ] satisfies [ResizeParams, number, number][])('%j on 400x300 gives %ix%i, as estimated', async (params, width, height) => {
    const result = await apply(await solid(400, 300), [resize(params)]);
    expect({ width: result.written.width, height: result.written.height }).toEqual({ width, height });
    expect(estimateResize({ width: 400, height: 300 }, params)).toEqual({ width, height });
  });

  it('refuses a result over the pixel limit before making it', async () => {
    const operation = resize({ width: 16_384, height: 16_384, fit: 'fill' });
    await expect(apply(await solid(10, 10), [operation], 1_000_000)).rejects.toThrow(
      'operation 1 (resize): the resized image is 16384x16384 (268435456 pixels), over the limit of 1000000 pixels (IMAGE_MAX_INPUT_PIXELS)',
    );
  });
});

describe('crop', () => {
  it('cuts the requested region', async () => {
    const result = await apply(await quadrants(400, 300), [crop(200, 150, 150, 100)]);
    expect(result.written).toMatchObject({ width: 150, height: 100 });
    expect(await meanColour(result.data)).toEqual(WHITE);
  });

  it('refuses a region outside the image, giving both sizes', async () => {
    const failure = apply(await solid(400, 300), [crop(100, 0, 500, 500)]);
    await expect(failure).rejects.toBeInstanceOf(ImageRejectedError);
    await expect(failure).rejects.toThrow('operation 1 (crop): crop area 500x500 at (100,0) exceeds image 400x300');
  });

  it('crops a crop: consecutive crops are relative to each other', async () => {
    // The second crop lands in the first crop's bottom-left, which is the image's blue quadrant.
    const result = await apply(await quadrants(400, 300), [crop(100, 100, 200, 200), crop(0, 60, 90, 40)]);
    expect(result.written).toMatchObject({ width: 90, height: 40 });
    expect(await meanColour(result.data)).toEqual(BLUE);
  });

  it('checks a crop after a resize against the resized size', async () => {
    const ok = await apply(await quadrants(400, 300), [resize({ width: 200, fit: 'inside' }), crop(100, 0, 100, 75)]);
    expect(ok.written).toMatchObject({ width: 100, height: 75 });
    expect(await meanColour(ok.data)).toEqual(GREEN);
    await expect(apply(await solid(400, 300), [resize({ width: 200, fit: 'inside' }), crop(100, 0, 101, 75)])).rejects.toThrow(
      'operation 2 (crop): crop area 101x75 at (100,0) exceeds image 200x150',
    );
  });
});

describe('order', () => {
  const cropSquare = crop(0, 0, 100, 100);
  const doubleWidth = resize({ width: 200, fit: 'inside' });

  it('crop then resize differs from resize then crop', async () => {
    const input = await quadrants(400, 300);
    const cropFirst = await apply(input, [cropSquare, doubleWidth]);
    const resizeFirst = await apply(input, [doubleWidth, cropSquare]);
    expect(cropFirst.written).toMatchObject({ width: 200, height: 200 });
    expect(resizeFirst.written).toMatchObject({ width: 100, height: 100 });
  });

  it('applies resize after resize, and a crop that fits only before the second one', async () => {
    const twice = await apply(await solid(400, 300), [doubleWidth, resize({ height: 50, fit: 'inside' }), crop(0, 0, 60, 50)]);
    expect(twice.written).toMatchObject({ width: 60, height: 50 });
    await expect(apply(await solid(400, 300), [doubleWidth, resize({ height: 50, fit: 'inside' }), cropSquare])).rejects.toThrow(
      'operation 3 (crop): crop area 100x100 at (0,0) exceeds image 67x50',
    );
  });
});

describe('convert', () => {
  it.each(['jpeg', 'png', 'webp', 'avif'] as const)('writes %s', async (format) => {
    const result = await apply(await solid(64, 48, 'png'), [{ type: 'convert', params: { format } }]);
    expect(result.format).toBe(format);
    // sharp reports AVIF as HEIF with AV1 compression.
    expect(result.written.format).toBe(format === 'avif' ? 'heif' : format);
    expect(result.written).toMatchObject({ width: 64, height: 48 });
  });

  it('applies the quality, and the last convert wins', async () => {
    const input = await quadrants(400, 300);
    const low = await apply(input, [
      { type: 'convert', params: { format: 'webp' } },
      { type: 'convert', params: { format: 'jpeg', quality: 5 } },
    ]);
    const high = await apply(input, [{ type: 'convert', params: { format: 'jpeg', quality: 95 } }]);
    expect(low.written.format).toBe('jpeg');
    expect(low.data.length).toBeLessThan(high.data.length);
  });

  it.each([
    ['webp', 'webp'],
    ['jpeg', 'jpeg'],
    ['gif', 'png'],
    ['tiff', 'png'],
  ] as const)('keeps a %s input as %s when no convert asks otherwise', async (input, output) => {
    const result = await apply(await solid(40, 30, input), [crop(0, 0, 20, 20)]);
    expect(result.written.format).toBe(output);
  });

  it('flattens transparency onto white for JPEG', async () => {
    const transparent = await sharp({
      create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const result = await apply(transparent, [{ type: 'convert', params: { format: 'jpeg' } }]);
    expect(await meanColour(result.data)).toEqual(WHITE);
  });
});

describe('EXIF orientation and metadata', () => {
  it('applies the orientation, so width and height are swapped, and strips the EXIF', async () => {
    const input = await rotatedJpeg();
    expect(await sharp(input).metadata()).toMatchObject({ width: 400, height: 300, orientation: 6 });
    // A crop as tall as the displayed image only fits once the orientation is applied.
    const result = await apply(input, [crop(0, 0, 300, 400), { type: 'convert', params: { format: 'png' } }]);
    expect(result.written).toMatchObject({ width: 300, height: 400 });
    expect(result.written.orientation).toBeUndefined();
    expect(result.written.exif).toBeUndefined();
  });

  it('keeps no metadata from the input', async () => {
    const tagged = await sharp(await quadrants(40, 30))
      .jpeg()
      .withExif({ IFD0: { Copyright: 'someone', Artist: 'someone else' } })
      .toBuffer();
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const result = await apply(tagged, [resize({ width: 20, fit: 'inside' })]);
    expect(result.written.exif).toBeUndefined();
  });
});

describe('untrusted input', () => {
  it('refuses formats outside the list from the header', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(openInput(svg, { imageId: 'img-1', maxPixels: MAX_PIXELS })).rejects.toThrow(
      'image img-1 is svg, which is not accepted; allowed input formats: jpeg, png, webp, avif, gif, tiff',
    );
  });

  it('refuses bytes that are no image', async () => {
    const failure = openInput(Buffer.from('definitely not an image'), { imageId: 'img-1', maxPixels: MAX_PIXELS });
    await expect(failure).rejects.toMatchObject({ code: 'UNDECODABLE' });
    await expect(failure).rejects.toThrow('image img-1 is not a readable image: Input buffer contains unsupported image format');
  });

  it.each(['jpeg', 'png'] as const)('refuses a truncated %s whose header still reads', async (format) => {
    const whole = await quadrants(400, 300).then((png) => sharp(png).toFormat(format).toBuffer());
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    const failure = apply(truncated, [resize({ width: 100, fit: 'inside' })]);
    await expect(failure).rejects.toBeInstanceOf(ImageRejectedError);
    await expect(failure).rejects.toThrow(/^image img-1 could not be processed: .+/);
  });

  it('refuses an image over the pixel limit from its header', async () => {
    await expect(apply(await solid(400, 300), [resize({ width: 10, fit: 'inside' })], 100_000)).rejects.toThrow(
      'image img-1 is 400x300 (120000 pixels), over the limit of 100000 pixels (IMAGE_MAX_INPUT_PIXELS)',
    );
  });
});

describe('failures', () => {
  it('retries a failure of the machine: the input file gone between its header and its pixels', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nightshift-image-io-'));
    try {
      const path = join(dir, 'input.png');
      await writeFile(path, await solid(40, 30));
      const opened = await openInput(path, { imageId: 'img-io', maxPixels: MAX_PIXELS });
      await rm(path);
      const failure = await runOperations(opened, [resize({ width: 20, fit: 'inside' })], {
        imageId: 'img-io',
        maxPixels: MAX_PIXELS,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ImageAttemptFailedError);
      expect(failure).not.toBeInstanceOf(UnrecoverableError);
      expect((failure as Error).message).toMatch(
        /^processing image img-io failed for a reason outside the image, will retry: Input file is missing/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("retries libvips' out-of-memory failure, and fails corrupt input for good", () => {
    // libvips' own words when an allocation fails (vips_malloc), and sharp's for a corrupt JPEG.
    const outOfMemory = imageFailure(new Error('vips_malloc: out of memory --- size == 800MB'), 'img-1', 'processing');
    expect(outOfMemory).toBeInstanceOf(ImageAttemptFailedError);
    expect(outOfMemory).not.toBeInstanceOf(UnrecoverableError);
    const corrupt = imageFailure(new Error('VipsJpeg: premature end of JPEG image'), 'img-1', 'processing');
    expect(corrupt).toBeInstanceOf(ImageRejectedError);
    expect(corrupt).toBeInstanceOf(UnrecoverableError);
  });

  it('fails a truncated input for good', async () => {
    const whole = await sharp(await quadrants(400, 300))
      .jpeg()
      .toBuffer();
    const failure = await apply(whole.subarray(0, whole.length / 2), [resize({ width: 10, fit: 'inside' })]).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ImageRejectedError);
    expect((failure as ImageRejectedError).code).toBe('UNDECODABLE');
  });
});
