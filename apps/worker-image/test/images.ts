import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';

export type Colour = { r: number; g: number; b: number };
export const RED: Colour = { r: 255, g: 0, b: 0 };
export const GREEN: Colour = { r: 0, g: 255, b: 0 };
export const BLUE: Colour = { r: 0, g: 0, b: 255 };
export const WHITE: Colour = { r: 255, g: 255, b: 255 };

/** A plain image of the given size in the given format. */
export function solid(width: number, height: number, format: 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff' = 'png') {
  return sharp({ create: { width, height, channels: 3, background: RED } })
    .toFormat(format)
    .toBuffer();
}

/** A PNG in four quadrants, red | green over blue | white, so a crop's content can be checked by colour. */
export function quadrants(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const top = y < height / 2;
      const left = x < width / 2;
      const { r, g, b } = top ? (left ? RED : GREEN) : left ? BLUE : WHITE;
      pixels.set([r, g, b], (y * width + x) * 3);
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** The mean colour of an encoded image, rounded: enough to tell which quadrant a crop came from. */
export async function meanColour(image: Buffer): Promise<Colour> {
  const { channels } = await sharp(image).stats();
  const [r, g, b] = channels.map((channel) => Math.round(channel.mean));
  return { r: r ?? 0, g: g ?? 0, b: b ?? 0 };
}

/** A 400x300 JPEG whose EXIF says "rotate 90° clockwise to display": it shows as 300x400. */
export function rotatedJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 300, channels: 3, background: GREEN } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export const BOMB_SIZE = 20_000;

/**
 * A 20000x20000 black PNG: 400 megapixels (1.2 GB decoded as RGB) in a few hundred KB.
 * Encoding it takes sharp about ten seconds, so it is made once and kept in the OS temp directory.
 */
export async function decompressionBomb(): Promise<Buffer> {
  const dir = join(tmpdir(), 'nightshift-test-fixtures');
  const path = join(dir, `bomb-${BOMB_SIZE}x${BOMB_SIZE}.png`);
  if (!(await stat(path).catch(() => undefined))) {
    await mkdir(dir, { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    await sharp({ create: { width: BOMB_SIZE, height: BOMB_SIZE, channels: 3, background: '#000' }, limitInputPixels: false })
      .toColourspace('b-w')
      .png({ compressionLevel: 9 })
      .toFile(partial);
    await rename(partial, path);
  }
  return readFile(path);
}
