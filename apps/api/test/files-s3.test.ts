import { readdir } from 'node:fs/promises';
import { ConfigError, parseEnv } from '@nightshift/config';
import { outputFileId, storageKeys } from '@nightshift/storage';
import { TEST_S3_CREDENTIALS, TestS3Server } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envSchema } from '../src/env.js';
import { FileLinks } from '../src/lib/file-links.js';
import { auth, FILE_LINK_SECRET, startTestApp, type TestApp } from './helpers.js';

// The API on the S3 backend: s3rver on loopback, the credentials where the AWS SDK looks for them.
let server: TestS3Server;
let t: TestApp;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_S3_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_S3_CREDENTIALS.secretAccessKey);
  server = await TestS3Server.start();
  t = await startTestApp({ STORAGE_URL: server.storageUrl() });
});
afterAll(async () => {
  await t?.close();
  await server?.destroy();
  vi.unstubAllEnvs();
});

const png = (bytes: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(bytes, 7)]);
const upload = (body: Buffer) =>
  t.app.inject({ method: 'POST', url: '/v1/images', headers: { ...auth(), 'content-type': 'image/png' }, payload: body });

describe('the API on object storage', () => {
  it('streams an upload into the bucket, in parts when it is larger than one, and nothing onto the local disk', async () => {
    for (const body of [png(200), png(7 * 1024 * 1024)]) {
      const response = await upload(body);
      expect(response.statusCode).toBe(201);
      const { imageId, bytes } = response.json();
      expect(bytes).toBe(body.length);
      expect(t.app.storage.locate(storageKeys.image(imageId))).toMatch(/^s3:\/\/nightshift-test\/test-[^/]+\/images\//);
      expect((await t.app.storage.get(storageKeys.image(imageId))).equals(body)).toBe(true);
    }
    expect(await readdir(t.storageDir)).toEqual([]);
  });

  it('answers a download with a redirect to a presigned URL of the bucket, for a token and for a signed link', async () => {
    const fileId = outputFileId('pdf', 'job-s3', 'pdf');
    await t.app.storage.put(storageKeys.file(fileId), '%PDF-1.7 from the bucket');
    // The name its worker chose: the bucket answers with it, as the API does from a folder.
    await t.app.storage.put(storageKeys.downloadName(fileId), 'quarterly-sales.pdf');
    const links = new FileLinks(FILE_LINK_SECRET, t.env.PUBLIC_BASE_URL);
    for (const request of [
      { url: `/v1/files/${fileId}`, headers: auth() },
      { url: links.url(fileId).replace(t.env.PUBLIC_BASE_URL, ''), headers: {} },
    ]) {
      const response = await t.app.inject({ method: 'GET', ...request });
      expect(response.statusCode).toBe(302);
      expect(response.headers['cache-control']).toBe('no-store');
      const location = new URL(String(response.headers.location));
      expect(location.origin).toBe(server.endpoint);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('60');
      const download = await fetch(location);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/pdf');
      expect(download.headers.get('content-disposition')).toBe('attachment; filename=quarterly-sales.pdf');
      expect(await download.text()).toBe('%PDF-1.7 from the bucket');
    }
    const missing = await t.app.inject({ method: 'GET', url: '/v1/files/pdf-missing.pdf', headers: auth() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('FILE_NOT_FOUND');
  });

  it('answers 503 STORAGE_UNAVAILABLE while the bucket is unreachable, and 201 once it is back', async () => {
    await server.stop();
    try {
      const report = { title: 'Q', columns: [{ key: 'a', label: 'A' }], rows: [{ a: 1 }] };
      const answers = [
        await upload(png(200)),
        await t.app.inject({ method: 'PUT', url: '/v1/reports/q-s3', headers: auth(), payload: report }),
        await t.app.inject({ method: 'GET', url: '/v1/files/pdf-any.pdf', headers: auth() }),
      ];
      for (const answer of answers) {
        expect(answer.statusCode).toBe(503);
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.json()).toMatchObject({
          code: 'STORAGE_UNAVAILABLE',
          error: expect.stringMatching(/^storage is not answering/),
        });
      }
    } finally {
      await server.resume();
    }
    expect((await upload(png(200))).statusCode).toBe(201);
  });

  it('refuses to start on a bucket that does not exist, naming STORAGE_URL', async () => {
    await expect(startTestApp({ STORAGE_URL: server.storageUrl({ bucket: 'no-such-bucket' }) })).rejects.toThrow(
      /^STORAGE_URL names the bucket "no-such-bucket", which does not exist/,
    );
  });

  it('refuses a STORAGE_URL of an unknown scheme before anything starts, naming it', () => {
    expect(() => parseEnv(envSchema, { STORAGE_URL: 'gs://bucket/files' })).toThrow(ConfigError);
    expect(() => parseEnv(envSchema, { STORAGE_URL: 'gs://bucket/files' })).toThrow(
      /^invalid configuration: STORAGE_URL has the unknown scheme "gs:"/,
    );
  });
});
