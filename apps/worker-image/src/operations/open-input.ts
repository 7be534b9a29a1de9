import sharp, { type Metadata, type Sharp } from 'sharp';
import type { Size } from './geometry.js';
import { checkPixels } from './geometry.js';
import { imageFailure } from './image-failure.js';
import { ImageRejectedError } from './image-rejected-error.js';
import type { OutputFormat } from './output.js';

export const inputFormats = ['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff'] as const;
export type InputFormat = (typeof inputFormats)[number];

/** The image's bytes, or the path of its file. */
export type ImageSource = Buffer | string;

export interface InputOptions {
  imageId: string;
  /** Width × height above which an image is refused before any pixel is decoded. */
  maxPixels: number;
}

export interface OpenedImage {
  format: InputFormat;
  /** After EXIF orientation, which every later step sees. */
  size: Size;
  /** A fresh decoding pipeline over the input: EXIF orientation applied, broken data refused. */
  open(): Sharp;
}

/**
 * Reads only the header, then refuses what should never reach the decoder: formats outside the
 * list (SVG, PDF, HEIC...) and images with more pixels than allowed, so a decompression bomb
 * costs a header read instead of gigabytes of pixels.
 */
export async function openInput(source: ImageSource, { imageId, maxPixels }: InputOptions): Promise<OpenedImage> {
  let metadata: Metadata;
  try {
    // No pixel limit here: the header is all this reads, and the check below says why it refuses.
    metadata = await sharp(source, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw imageFailure(error, imageId, 'reading');
  }
  const format = inputFormatOf(metadata);
  if (!format) {
    throw new ImageRejectedError(
      'UNSUPPORTED_FORMAT',
      `image ${imageId} is ${describeFormat(metadata)}, which is not accepted; allowed input formats: ${inputFormats.join(', ')}`,
    );
  }
  checkPixels(metadata, maxPixels, `image ${imageId}`);
  return {
    format,
    size: { width: metadata.autoOrient.width, height: metadata.autoOrient.height },
    // `failOn: 'error'` refuses truncated and corrupt data; 'warning' would also refuse the
    // many camera files with harmless warnings. The pixel limit is sharp's own second line.
    open: () => sharp(source, { autoOrient: true, failOn: 'error', limitInputPixels: maxPixels }),
  };
}

/** sharp names AVIF and HEIC both "heif"; only the AV1 flavour is accepted. */
function inputFormatOf(metadata: Metadata): InputFormat | undefined {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : undefined;
  return (inputFormats as readonly string[]).includes(metadata.format) ? (metadata.format as InputFormat) : undefined;
}

function describeFormat(metadata: Metadata): string {
  return metadata.format === 'heif' ? `heif (${metadata.compression ?? 'unknown compression'})` : metadata.format;
}

/** The input's own format when it can be written, else PNG, which keeps every pixel and any alpha. */
export function defaultOutputFormat(format: InputFormat): OutputFormat {
  return format === 'gif' || format === 'tiff' ? 'png' : format;
}
