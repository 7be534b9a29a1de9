import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { outputFileId, storageKeys } from '@nightshift/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLinks } from '../src/lib/file-links.js';
import { auth, FILE_LINK_SECRET, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ IMAGE_MAX_BYTES: '2048' });
});
afterAll(() => t.close());

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]);
const upload = (body: Buffer | string, contentType?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/images',
    headers: { ...auth(), ...(contentType ? { 'content-type': contentType } : {}) },
    payload: body,
  });

describe('POST /v1/images', () => {
  it('stores the bytes and answers 201 with the image id', async () => {
    const response = await upload(png, 'image/png');
    expect(response.statusCode).toBe(201);
    const { imageId, bytes } = response.json();
    expect(bytes).toBe(png.length);
    expect((await t.app.storage.get(storageKeys.image(imageId))).equals(png)).toBe(true);
  });

  it('answers 415 to other types and to bytes that are not the declared format', async () => {
    expect((await upload('{"a":1}', 'application/json')).statusCode).toBe(415);
    const text = await upload('hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toBe(
      'Content-Type text/plain is not accepted here: send image/jpeg, image/png, image/webp, image/avif, image/gif, image/tiff',
    );
    expect((await upload(png, 'image/svg+xml')).statusCode).toBe(415);
    const mislabelled = await upload(jpeg, 'image/png');
    expect(mislabelled.statusCode).toBe(415);
    expect(mislabelled.json().code).toBe('IMAGE_TYPE_MISMATCH');
    expect((await upload(jpeg, 'image/jpeg')).statusCode).toBe(201);
  });

  it('answers 413 past IMAGE_MAX_BYTES and 400 on an empty body, storing nothing', async () => {
    const before = await readdir(join(t.storageDir, 'images'));
    const big = Buffer.concat([png, Buffer.alloc(4096)]);
    const tooBig = await upload(big, 'image/png');
    expect(tooBig.statusCode).toBe(413);
    expect((await upload(Buffer.alloc(0), 'image/png')).statusCode).toBe(400);
    expect((await upload(jpeg, 'image/png')).statusCode).toBe(415);
    expect(await readdir(join(t.storageDir, 'images'))).toEqual(before);
  });
});

describe('PUT /v1/reports/:reportId', () => {
  const report = { title: 'Sales', columns: [{ key: 'region', label: 'Region' }], rows: [{ region: 'North' }] };
  const put = (id: string, payload: object) =>
    t.app.inject({ method: 'PUT', url: `/v1/reports/${id}`, headers: auth(), payload });

  it('stores report data: 201 when new, 200 when replaced', async () => {
    expect((await put('q3', report)).statusCode).toBe(201);
    const replaced = await put('q3', { ...report, title: 'Sales (revised)' });
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json()).toMatchObject({ reportId: 'q3', rows: 1 });
    expect(JSON.parse((await t.app.storage.get(storageKeys.report('q3'))).toString()).title).toBe('Sales (revised)');
  });

  it('stores the rows after every other field, as the PDF worker reads them: in one pass, as a stream', async () => {
    const body = { rows: report.rows, locale: 'fr-FR', columns: report.columns, title: 'Ventes' };
    expect((await put('q5', body)).statusCode).toBe(201);
    const stored = JSON.parse((await t.app.storage.get(storageKeys.report('q5'))).toString());
    expect(Object.keys(stored)).toEqual(['title', 'columns', 'locale', 'rows']);
  });

  it('checks the data against the report contract and the id against the storage rules', async () => {
    const bad = await put('q4', { ...report, rows: [{ region: 'North', profit: 3 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toBe('rows[0].profit');
    expect((await put('..%2Fescape', report)).statusCode).toBe(404);
  });
});

describe('GET /v1/files/:fileId', () => {
  const fileId = outputFileId('pdf', 'job-1', 'pdf');
  const body = Buffer.from('%PDF-1.7 pretend');

  beforeAll(async () => {
    await t.app.storage.put(storageKeys.file(fileId), body);
  });

  it('streams the file with the Content-Type of its extension', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/files/${fileId}`, headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-length']).toBe(String(body.length));
    expect(response.rawPayload.equals(body)).toBe(true);
  });

  it('offers the file under the name its worker chose, quoted and with an ASCII fallback, else under its id', async () => {
    const named = outputFileId('pdf', 'job-named', 'xlsx');
    await t.app.storage.put(storageKeys.file(named), body);
    const download = async (id: string) =>
      (await t.app.inject({ method: 'GET', url: `/v1/files/${id}`, headers: auth() })).headers['content-disposition'];

    expect(await download(fileId)).toBe(`attachment; filename=${fileId}`);
    await t.app.storage.put(storageKeys.downloadName(named), 'quarterly-sales-2026-12-02.xlsx');
    expect(await download(named)).toBe('attachment; filename=quarterly-sales-2026-12-02.xlsx');
    await t.app.storage.put(storageKeys.downloadName(named), 'ventes "été"-2026-12-02.xlsx');
    expect(await download(named)).toBe(
      `attachment; filename="ventes \\"?t?\\"-2026-12-02.xlsx"; filename*=UTF-8''ventes%20%22%C3%A9t%C3%A9%22-2026-12-02.xlsx`,
    );
  });

  it('answers 404 for unknown files and for ids that are not file names', async () => {
    for (const id of ['pdf-missing.pdf', '..%2F..%2Fetc%2Fpasswd', '.hidden', 'a..b']) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/files/${id}`, headers: auth() });
      expect(response.statusCode, id).toBe(404);
    }
  });

  it('accepts a signed link without a token; refuses a tampered or expired one', async () => {
    const links = new FileLinks(FILE_LINK_SECRET, t.env.PUBLIC_BASE_URL);
    const path = (url: string) => url.replace(t.env.PUBLIC_BASE_URL, '');
    const signed = path(links.url(fileId));
    expect((await t.app.inject({ method: 'GET', url: signed })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: signed.replace('job-1', 'job-2') })).statusCode).toBe(401);
    const expired = path(links.url(fileId, Date.now() - 8 * 24 * 3600 * 1_000));
    const response = await t.app.inject({ method: 'GET', url: expired });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('LINK_EXPIRED');
  });
});
