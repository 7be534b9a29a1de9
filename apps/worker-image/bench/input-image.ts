import sharp from 'sharp';

/** The size of the JPEG in sharp's published benchmark. */
export const WIDTH = 2725;
export const HEIGHT = 2225;

/**
 * A photo-like JPEG, the same bytes on every run: smooth gradients for the encoder to
 * compress plus seeded noise so it cannot cheat on flat areas.
 */
export function benchmarkJpeg(): Promise<Buffer> {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  let seed = 0x2545f491;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
      const noise = (seed >>> 24) % 24;
      const i = (y * WIDTH + x) * 3;
      pixels[i] = ((x * 255) / WIDTH + noise) & 0xff;
      pixels[i + 1] = ((y * 255) / HEIGHT + noise) & 0xff;
      pixels[i + 2] = (128 + 96 * Math.sin((x + y) / 90) + noise) & 0xff;
    }
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}
