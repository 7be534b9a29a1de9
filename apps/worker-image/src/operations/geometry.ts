import type { ImageOperation } from '@nightshift/contracts';
import { ImageRejectedError } from './image-rejected-error.js';

export interface Size {
  width: number;
  height: number;
}

export type CropParams = Extract<ImageOperation, { type: 'crop' }>['params'];
export type ResizeParams = Extract<ImageOperation, { type: 'resize' }>['params'];

/** Refuses a crop that does not lie inside the image as it is at that step. */
export function checkCrop(current: Size, crop: CropParams, step: string): void {
  if (crop.left + crop.width <= current.width && crop.top + crop.height <= current.height) return;
  throw new ImageRejectedError(
    'CROP_OUT_OF_BOUNDS',
    `${step}: crop area ${crop.width}x${crop.height} at (${crop.left},${crop.top}) exceeds image ${current.width}x${current.height}`,
  );
}

/** A crop of a crop is one crop: sharp extracts once before resizing, so consecutive crops are merged. */
export function composeCrops(outer: CropParams | undefined, inner: CropParams): CropParams {
  if (!outer) return inner;
  return { ...inner, left: outer.left + inner.left, top: outer.top + inner.top };
}

/**
 * The size sharp will give a resize, following its `ResolveShrink` (src/common.cc). Used to refuse
 * an oversized result before any pixel is made; within a pixel of the truth when JPEG
 * shrink-on-load rounds differently, which is why crops are checked against measured sizes.
 */
export function estimateResize(current: Size, { width, height, fit, withoutEnlargement }: ResizeParams): Size {
  let hshrink = width ? current.width / width : 1;
  let vshrink = height ? current.height / height : 1;
  if (width && height) {
    if (fit === 'cover' || fit === 'outside') hshrink = vshrink = Math.min(hshrink, vshrink);
    if (fit === 'contain' || fit === 'inside') hshrink = vshrink = Math.max(hshrink, vshrink);
  } else if (fit !== 'fill') {
    // One side given: the other keeps the aspect ratio.
    if (width) vshrink = hshrink;
    else hshrink = vshrink;
  }
  if (withoutEnlargement) {
    hshrink = Math.max(1, hshrink);
    vshrink = Math.max(1, vshrink);
  }
  hshrink = Math.min(hshrink, current.width);
  vshrink = Math.min(vshrink, current.height);
  let resized = { width: Math.round(current.width / hshrink), height: Math.round(current.height / vshrink) };
  // cover crops the overflow to the box; contain pads up to it.
  if (width && height && fit === 'cover')
    resized = { width: Math.min(resized.width, width), height: Math.min(resized.height, height) };
  if (width && height && fit === 'contain')
    resized = { width: Math.max(resized.width, width), height: Math.max(resized.height, height) };
  return resized;
}

export function checkPixels(size: Size, maxPixels: number, what: string): void {
  const pixels = size.width * size.height;
  if (pixels <= maxPixels) return;
  throw new ImageRejectedError(
    'TOO_MANY_PIXELS',
    `${what} is ${size.width}x${size.height} (${pixels} pixels), over the limit of ${maxPixels} pixels (IMAGE_MAX_INPUT_PIXELS)`,
  );
}
