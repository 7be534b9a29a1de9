import type { ImageOperation, ImageProcessingResult } from '@nightshift/contracts';
import type { Sharp } from 'sharp';

export type OutputFormat = ImageProcessingResult['format'];
export type OutputSettings = Extract<ImageOperation, { type: 'convert' }>['params'];

const extensions: Record<OutputFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif' };

export function extensionOf(format: OutputFormat): string {
  return extensions[format];
}

/** Encodes with sharp's defaults unless a quality was asked for. Metadata is not kept: sharp strips it unless told otherwise. */
export function encode(image: Sharp, { format, quality }: OutputSettings): Sharp {
  // JPEG has no alpha: transparent areas become white rather than sharp's default black.
  const flattened = format === 'jpeg' ? image.flatten({ background: '#ffffff' }) : image;
  return flattened.toFormat(format, quality === undefined ? {} : { quality });
}
