import { emailJobSchema, pdfJobSchema, resourceId } from '@nightshift/contracts';
import { z } from 'zod';
import { reportDeliveryExamples, withExamples } from './examples.js';

export const MAX_FLOW_IMAGES = 20;

/** The pdf job's own fields plus who gets the email, all from the contracts. */
export const reportDeliveryBody = withExamples(
  pdfJobSchema.extend({
    to: emailJobSchema.options[0].shape.to,
    imageIds: z.array(resourceId).max(MAX_FLOW_IMAGES).optional().describe('Uploaded images to embed as thumbnails'),
  }),
  reportDeliveryExamples(),
);

const jobRef = z.object({ id: z.string(), queue: z.string(), name: z.string() });

export const reportDeliveryAcceptedSchema = z.object({
  id: z.string().describe('The root (email) job: the flow is done when it is'),
  jobs: z.object({
    email: jobRef,
    pdf: jobRef,
    images: z.array(jobRef.extend({ imageId: z.string() })),
  }),
  fileId: z.string().describe('Where the pdf worker writes the report: GET /v1/files/{fileId}'),
  downloadUrl: z.string().describe('The signed link the email carries'),
});
