import { z } from 'zod';
import { defineContract } from './define-contract.js';
import { resourceId } from './fields.js';

/** sharp refuses anything wider or taller than this for most encoders; we stop earlier. */
const pixels = z.int().min(1).max(16_384);

export const resizeFits = ['cover', 'contain', 'fill', 'inside', 'outside'] as const;
export const outputFormats = ['jpeg', 'png', 'webp', 'avif'] as const;
export const MAX_OPERATIONS = 20;

const resize = z.strictObject({
  type: z.literal('resize'),
  params: z
    .strictObject({
      width: pixels.optional(),
      height: pixels.optional(),
      /** sharp's own default: fill both dimensions given, cropping what overflows. */
      fit: z.enum(resizeFits).default('cover'),
      withoutEnlargement: z.boolean().optional(),
    })
    .refine((params) => params.width !== undefined || params.height !== undefined, {
      message: 'resize needs a width, a height or both',
      path: ['width'],
    })
    // A refinement has no JSON Schema of its own: the same rule, spelled for the JSON Schema.
    .meta({ anyOf: [{ required: ['width'] }, { required: ['height'] }] }),
});

const crop = z.strictObject({
  type: z.literal('crop'),
  params: z.strictObject({
    left: z.int().min(0).max(16_383),
    top: z.int().min(0).max(16_383),
    width: pixels,
    height: pixels,
  }),
});

const convert = z.strictObject({
  type: z.literal('convert'),
  params: z.strictObject({
    format: z.enum(outputFormats),
    quality: z.int().min(1).max(100).optional(),
  }),
});

export const imageOperationSchema = z.discriminatedUnion('type', [resize, crop, convert]);
export type ImageOperation = z.infer<typeof imageOperationSchema>;

export const imageProcessingJobSchema = z.strictObject({
  imageId: resourceId,
  operations: z.array(imageOperationSchema).min(1).max(MAX_OPERATIONS),
});
export type ImageProcessingJob = z.infer<typeof imageProcessingJobSchema>;

export const imageProcessingResultSchema = z.strictObject({
  fileId: z.string(),
  format: z.enum(outputFormats),
  width: z.int().positive(),
  height: z.int().positive(),
  bytes: z.int().nonnegative(),
});
export type ImageProcessingResult = z.infer<typeof imageProcessingResultSchema>;

export const imageProcessingContract = defineContract({
  version: 1,
  data: imageProcessingJobSchema,
  result: imageProcessingResultSchema,
  upcasters: [],
  // The report-delivery flow's thumbnails, and one name per kind of work.
  jobNames: ['thumbnail', 'resize', 'crop', 'convert'],
  // One per operation, then a chain of them.
  examples: [
    { imageId: 'img1', operations: [{ type: 'resize', params: { width: 720 } }] },
    { imageId: 'img1', operations: [{ type: 'crop', params: { left: 0, top: 0, width: 400, height: 300 } }] },
    { imageId: 'img1', operations: [{ type: 'convert', params: { format: 'webp', quality: 80 } }] },
    {
      imageId: 'img1',
      operations: [
        { type: 'crop', params: { left: 0, top: 10, width: 100, height: 50 } },
        { type: 'resize', params: { height: 20, fit: 'cover', withoutEnlargement: true } },
        { type: 'convert', params: { format: 'webp', quality: 80 } },
      ],
    },
  ],
});
