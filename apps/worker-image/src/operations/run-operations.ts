import type { ImageOperation } from '@nightshift/contracts';
import sharp, { type Sharp } from 'sharp';
import {
  type CropParams,
  checkCrop,
  checkPixels,
  composeCrops,
  estimateResize,
  type ResizeParams,
  type Size,
} from './geometry.js';
import { imageFailure } from './image-failure.js';
import { defaultOutputFormat, type OpenedImage } from './open-input.js';
import { encode, type OutputFormat, type OutputSettings } from './output.js';

export interface RunOptions {
  imageId: string;
  /** No step may produce more pixels than this, so an upscale cannot do what a bomb cannot. */
  maxPixels: number;
  /** Called with the number of operations whose pixels exist, after each pass; not waited for. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

export interface EncodedImage {
  data: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
  /** What each crop and resize did, for the job's log: `resized to 720×588`. */
  steps: string[];
}

/** What one sharp pipeline does: sharp runs at most one extract before at most one resize. */
interface Pass {
  crop?: CropParams;
  resize?: ResizeParams;
}

/**
 * Applies the operations in order and encodes once. Consecutive crops and the resize after them
 * share one sharp pipeline (a crop's size is known exactly); whatever follows a resize starts a
 * new pipeline over the resized pixels, so every crop is checked against the size sharp really made.
 * A convert only chooses the output: the last one wins, and nothing is re-encoded in between.
 */
export async function runOperations(
  input: OpenedImage,
  operations: ImageOperation[],
  options: RunOptions,
): Promise<EncodedImage> {
  const { imageId, maxPixels, onProgress, signal } = options;
  let source = input.open;
  let size: Size = input.size;
  let pass: Pass = {};
  let output: OutputSettings = { format: defaultOutputFormat(input.format) };
  const steps: string[] = [];

  for (const [index, operation] of operations.entries()) {
    const step = `operation ${index + 1} (${operation.type})`;
    if (operation.type === 'convert') {
      output = operation.params;
      continue;
    }
    if (pass.resize) {
      const pixels = await materialize(build(source, pass), imageId);
      ({ source, size } = pixels);
      pass = {};
      signal?.throwIfAborted();
      onProgress?.(index);
    }
    if (operation.type === 'crop') {
      checkCrop(size, operation.params, step);
      pass.crop = composeCrops(pass.crop, operation.params);
      const { left, top, width, height } = operation.params;
      size = { width, height };
      steps.push(`cropped to ${width}×${height} at (${left},${top})`);
    } else {
      size = estimateResize(size, operation.params);
      checkPixels(size, maxPixels, `${step}: the resized image`);
      pass.resize = operation.params;
      steps.push(`resized to ${size.width}×${size.height}`);
    }
  }

  const { data, info } = await run(encode(build(source, pass), output), imageId);
  onProgress?.(operations.length);
  return { data, format: output.format, width: info.width, height: info.height, steps };
}

function build(source: () => Sharp, { crop, resize }: Pass): Sharp {
  const image = source();
  if (crop) image.extract(crop);
  if (resize) image.resize(resize);
  return image;
}

/** Runs a pass into raw pixels, whose exact size the next pass starts from. */
async function materialize(image: Sharp, imageId: string): Promise<{ source: () => Sharp; size: Size }> {
  const { data, info } = await run(image.raw(), imageId);
  const raw = { width: info.width, height: info.height, channels: info.channels };
  return { source: () => sharp(data, { raw }), size: { width: info.width, height: info.height } };
}

/** Errors about the input are final; memory and I/O failures are retried (`imageFailure`). */
async function run(image: Sharp, imageId: string) {
  try {
    return await image.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw imageFailure(error, imageId, 'processing');
  }
}
