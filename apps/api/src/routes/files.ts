import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ObjectNotFoundError, storageKeys } from '@nightshift/storage';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';
import type { FileLinks } from '../lib/file-links.js';
import { checkedImage, type ImageContentType, imageContentTypes } from '../lib/image-intake.js';
import { CheckedReport, ReportIntakePool } from '../lib/report-intake.js';
import { zodValidatorCompiler } from '../plugins/errors.js';
import { jsonResponse } from '../schemas/common.js';
import { authenticatedErrors, bodyErrors, errorResponses } from '../schemas/errors.js';
import {
  contentTypesByExtension,
  fileParams,
  fileQuery,
  imageCreatedSchema,
  reportBody,
  reportParams,
  reportStoredSchema,
} from '../schemas/files.js';

export interface FileRoutesOptions {
  imageMaxBytes: number;
  reportMaxBytes: number;
  links: FileLinks;
}

const tags = ['files'];
/** A presigned download link is followed at once by the client that asked; minutes would only widen its exposure. */
const DOWNLOAD_LINK_SECONDS = 60;

export const fileRoutes: FastifyPluginAsyncZod<FileRoutesOptions> = async (app, { imageMaxBytes, reportMaxBytes, links }) => {
  await app.register(imageUploadRoute, { imageMaxBytes });

  await app.register(reportUploadRoute, { reportMaxBytes });

  app.get(
    '/files/:fileId',
    {
      config: {
        signedLink: (request) => {
          const { expires, signature } = request.query as Record<string, string | undefined>;
          const { fileId } = request.params as Record<string, string>;
          if (!expires || !signature || !fileId) return 'absent';
          return links.check(fileId, Number(expires), signature);
        },
      },
      schema: {
        tags,
        summary: "Download a worker's output file",
        description:
          'Accepts a bearer token, or the `expires` and `signature` of a signed link (as sent by email). On object storage (`STORAGE_URL=s3://…`) it answers 302 to a presigned URL of the bucket, valid for a minute, instead of passing the bytes through.',
        params: fileParams,
        querystring: fileQuery,
        response: {
          200: {
            description: 'The file, streamed',
            content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
          },
          302: z.null().describe('On object storage: `Location` is a presigned URL of the file, valid for a minute'),
          ...errorResponses(
            ...authenticatedErrors,
            'NOT_FOUND',
            'INVALID_REQUEST',
            'LINK_EXPIRED',
            'FILE_NOT_FOUND',
            'STORAGE_UNAVAILABLE',
          ),
        },
      },
    },
    async (request, reply) => {
      const { fileId } = request.params;
      const key = storageKeys.file(fileId);
      // Before the file is opened, so a failure here leaves no stream open.
      const disposition = contentDisposition(await downloadName(fileId));
      const contentType = contentTypesByExtension[fileId.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
      let body: Readable;
      try {
        if (app.storage.downloadUrl) {
          const url = await app.storage.downloadUrl(key, { expiresInSeconds: DOWNLOAD_LINK_SECONDS, disposition, contentType });
          // The link expires: no cache may keep the redirect longer than it works.
          return reply.header('cache-control', 'no-store').redirect(url, 302);
        }
        body = await app.storage.stream(key);
      } catch (error) {
        if (error instanceof ObjectNotFoundError) throw new ApiError('FILE_NOT_FOUND', `no file ${fileId}`);
        throw error;
      }
      const stat = await app.storage.stat(key);
      if (stat) reply.header('content-length', stat.bytes);
      return (
        reply
          .type(contentType)
          .header('content-disposition', disposition)
          // Streams skip serialization; the schema above only documents the bytes.
          .send(body as unknown as string)
      );
    },
  );

  /**
   * The name the worker that made the file chose for it (a report's title and date), else the
   * file id. `content-disposition` quotes it, with an RFC 5987 `filename*` when it is not ASCII.
   */
  async function downloadName(fileId: string): Promise<string> {
    try {
      return (await app.storage.get(storageKeys.downloadName(fileId))).toString('utf8').trim() || fileId;
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return fileId;
      throw error;
    }
  }
};

/**
 * Its own scope: a report's JSON is parsed and checked in a worker thread (see `ReportIntakePool`),
 * so the largest one the contract allows does not stall the event loop.
 */
const reportUploadRoute: FastifyPluginAsyncZod<{ reportMaxBytes: number }> = async (app, { reportMaxBytes }) => {
  const intake = new ReportIntakePool();
  app.addHook('onClose', () => intake.close());
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request: FastifyRequest, body: Buffer) =>
    intake.take(body),
  );
  // The parser above has checked the body against the contract, in a thread.
  app.setValidatorCompiler(reportValidatorCompiler);

  app.put(
    '/reports/:reportId',
    {
      bodyLimit: reportMaxBytes,
      schema: {
        tags,
        summary: "Store a report's data for the PDF worker (201 new, 200 replaced)",
        params: reportParams,
        body: reportBody,
        response: {
          200: jsonResponse('The report replaced the one stored under this id', reportStoredSchema),
          201: jsonResponse('The report is stored', reportStoredSchema),
          ...errorResponses(...authenticatedErrors, ...bodyErrors, 'NOT_FOUND', 'INVALID_REQUEST', 'STORAGE_UNAVAILABLE'),
        },
      },
    },
    async (request, reply) => {
      const { reportId } = request.params;
      const key = storageKeys.report(reportId);
      const existed = (await app.storage.stat(key)) !== undefined;
      const report = checkedReport(request.body);
      const stored = await app.storage.put(key, report.json);
      return reply.status(existed ? 200 : 201).send({ reportId, rows: report.rows, bytes: stored.bytes });
    },
  );
};

/** The body as the report parser left it (anything else means the route lost its parser); params as every route's. */
const reportValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) =>
  route.httpPart === 'body'
    ? (value) =>
        value instanceof CheckedReport ? { value } : { error: new Error('the report body was not checked by its parser') }
    : zodValidatorCompiler(route);

function checkedReport(body: unknown): CheckedReport {
  if (body instanceof CheckedReport) return body;
  throw new Error('the report body was not checked by its parser');
}

/** Its own scope: only image bodies are parsed here (anything else is a 415), and they stream to storage unbuffered. */
const imageUploadRoute: FastifyPluginAsyncZod<{ imageMaxBytes: number }> = async (app, { imageMaxBytes }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...imageContentTypes], (_request, payload, done) => done(null, payload));

  app.post(
    '/images',
    {
      schema: {
        tags,
        summary: 'Upload an image for image-processing jobs',
        description: `Raw body with Content-Type ${imageContentTypes.join(', ')}; at most ${imageMaxBytes} bytes.`,
        consumes: [...imageContentTypes],
        response: {
          201: jsonResponse('The image is stored under the id it answers with', imageCreatedSchema),
          ...errorResponses(
            ...authenticatedErrors,
            'UNSUPPORTED_MEDIA_TYPE',
            'EMPTY_BODY',
            'BAD_REQUEST',
            'IMAGE_TOO_LARGE',
            'IMAGE_TYPE_MISMATCH',
            'STORAGE_UNAVAILABLE',
          ),
        },
      },
    },
    async (request, reply) => {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() as ImageContentType;
      if (Number(request.headers['content-length'] ?? 0) > imageMaxBytes) {
        throw new ApiError('IMAGE_TOO_LARGE', `image exceeds the limit of ${imageMaxBytes} bytes`);
      }
      const imageId = randomUUID();
      const source = request.body as Readable | undefined;
      if (!source) throw new ApiError('EMPTY_BODY', 'the request body is empty: send the image bytes');
      const body = Readable.from(checkedImage(source, contentType, imageMaxBytes));
      const stored = await app.storage.putStream(storageKeys.image(imageId), body);
      return reply.status(201).send({ imageId, bytes: stored.bytes, contentType });
    },
  );
};
