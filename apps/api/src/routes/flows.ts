import { randomUUID } from 'node:crypto';
import { type ImageOperation, queueNames } from '@nightshift/contracts';
import type { ContractFlowJob } from '@nightshift/jobs';
import { ObjectNotFoundError, outputFileId, storageKeys } from '@nightshift/storage';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError } from '../errors/index.js';
import type { FileLinks } from '../lib/file-links.js';
import { writingJobs } from '../lib/log-errors.js';
import { jsonResponse } from '../schemas/common.js';
import { admissionErrors, authenticatedErrors, bodyErrors, errorResponses } from '../schemas/errors.js';
import { reportDeliveryAcceptedSchema, reportDeliveryBody } from '../schemas/flows.js';

/** A thumbnail the PDF can embed: at most 256 px on its longer side, as PNG (react-pdf embeds only PNG and JPEG). */
export const THUMBNAIL_OPERATIONS: ImageOperation[] = [
  { type: 'resize', params: { width: 256, height: 256, fit: 'inside', withoutEnlargement: true } },
  { type: 'convert', params: { format: 'png' } },
];

export const flowRoutes: FastifyPluginAsyncZod<{ links: FileLinks }> = async (app, { links }) => {
  app.post(
    '/flows/report-delivery',
    {
      schema: {
        tags: ['flows'],
        operationId: 'deliverReport',
        summary: 'Thumbnail the images, render the report with them, email a link to it',
        description:
          'One BullMQ flow: image-processing jobs → pdf job → email job. Each child fails its parent when it fails, so a broken chain ends failed, never stuck in waiting-children.',
        body: reportDeliveryBody,
        response: {
          202: jsonResponse('Every job of the flow is in Redis', reportDeliveryAcceptedSchema),
          ...errorResponses(
            ...authenticatedErrors,
            ...bodyErrors,
            'INVALID_REQUEST',
            'REPORT_NOT_FOUND',
            'IMAGE_NOT_FOUND',
            'INVALID_JOB_DATA',
            ...admissionErrors,
            'REDIS_UNAVAILABLE',
            'STORAGE_UNAVAILABLE',
          ),
        },
      },
    },
    async (request, reply) => {
      const { reportId, userId, format, to, imageIds = [] } = request.body;
      const reportTitle = await readReportTitle(reportId);
      const missing = [];
      for (const imageId of imageIds) if (!(await app.storage.stat(storageKeys.image(imageId)))) missing.push(imageId);
      if (missing.length > 0)
        throw new ApiError('IMAGE_NOT_FOUND', `no uploaded image ${missing.join(', ')}: POST /v1/images first`);

      // Ids chosen up front: the email must carry the link to the file the pdf job will write.
      const emailId = randomUUID();
      const pdfId = randomUUID();
      const images = imageIds.map((imageId) => ({ imageId, id: randomUUID() }));
      const fileId = outputFileId('pdf', pdfId, format);
      const downloadUrl = links.url(fileId);
      const failParentOnFailure = true;

      const flow: ContractFlowJob = {
        queueName: 'email',
        name: 'report-ready',
        data: { to, template: 'report-ready', data: { reportTitle, downloadUrl } },
        opts: { jobId: emailId },
        children: [
          {
            queueName: 'pdf',
            name: 'render-report',
            data: { reportId, userId, format },
            opts: { jobId: pdfId, failParentOnFailure },
            children: images.map(({ imageId, id }) => ({
              queueName: 'image-processing',
              name: 'thumbnail',
              data: { imageId, operations: THUMBNAIL_OPERATIONS },
              opts: { jobId: id, failParentOnFailure },
            })),
          },
        ],
      };
      await app.admission.admit({ email: 1, pdf: 1, 'image-processing': images.length });
      // Each queue's own defaults (retention), which the flow producer does not know.
      const queuesOptions = Object.fromEntries(
        queueNames.map((queue) => [queue, { defaultJobOptions: app.queues[queue].defaultJobOptions }]),
      );
      const jobIds = [emailId, pdfId, ...images.map(({ id }) => id)];
      await writingJobs({ flow: 'report-delivery', jobIds }, () => app.flows.add(flow, { queuesOptions }));
      return reply.status(202).send({
        id: emailId,
        jobs: {
          email: { id: emailId, queue: 'email', name: 'report-ready' },
          pdf: { id: pdfId, queue: 'pdf', name: 'render-report' },
          images: images.map(({ imageId, id }) => ({ id, queue: 'image-processing', name: 'thumbnail', imageId })),
        },
        fileId,
        downloadUrl,
      });
    },
  );

  async function readReportTitle(reportId: string): Promise<string> {
    try {
      const { title } = JSON.parse((await app.storage.get(storageKeys.report(reportId))).toString('utf8')) as { title: string };
      return title;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        throw new ApiError('REPORT_NOT_FOUND', `no report ${reportId}: PUT /v1/reports/${reportId} first`);
      }
      throw error;
    }
  }
};
