import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TEST_S3_BUCKET, TEST_S3_CREDENTIALS, TEST_S3_REGION, TestS3Server } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStorage, InvalidStorageKeyError, ObjectNotFoundError, S3Storage, type Storage } from './index.js';

/** One backend under test: how to make it, and how to take it down afterwards. */
interface Backend {
  name: string;
  open(): Promise<{ storage: Storage; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'FileStorage',
    async open() {
      const root = await mkdtemp(join(tmpdir(), 'nightshift-storage-'));
      const storage = new FileStorage(root);
      return { storage, close: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: 'S3Storage (s3rver on loopback)',
    async open() {
      const server = await TestS3Server.start();
      const storage = new S3Storage({
        bucket: TEST_S3_BUCKET,
        prefix: 'contract',
        region: TEST_S3_REGION,
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials: TEST_S3_CREDENTIALS,
      });
      return {
        storage,
        close: async () => {
          await storage.close();
          await server.destroy();
        },
      };
    },
  },
];

/** Larger than S3's 5 MiB part, so the S3 backend uploads it in several parts. */
const LARGE_BYTES = 11 * 1024 * 1024 + 7;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A body that sends `bytes` bytes and then fails, like a client that went away. */
function failingAfter(bytes: number): Readable {
  return Readable.from(
    (async function* () {
      for (let sent = 0; sent < bytes; sent += 1024 * 1024) yield Buffer.alloc(Math.min(1024 * 1024, bytes - sent), 1);
      throw new Error('client went away');
    })(),
  );
}

describe.each(backends)('the storage contract: $name', (backend) => {
  let storage: Storage;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ storage, close } = await backend.open());
    await storage.check();
  });
  afterAll(() => close?.());

  it('writes, reads, stats and deletes an object; deleting a missing one is no error', async () => {
    const stored = await storage.put('files/a.txt', 'hello');
    expect(stored.bytes).toBe(5);
    expect((await storage.get('files/a.txt')).toString()).toBe('hello');
    const stat = await storage.stat('files/a.txt');
    expect(stat?.bytes).toBe(5);
    expect(Math.abs((stat?.modifiedAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    await storage.delete('files/a.txt');
    expect(await storage.stat('files/a.txt')).toBeUndefined();
    await storage.delete('files/a.txt');
  });

  it('reports the bytes stored, counting multi-byte characters, for both writes', async () => {
    expect((await storage.put('reports/e.txt', 'héllo €')).bytes).toBe(10);
    expect((await storage.stat('reports/e.txt'))?.bytes).toBe(10);
    expect((await storage.putStream('uploads/s', Readable.from([Buffer.from('ab'), Buffer.from('cdé')]))).bytes).toBe(6);
    expect((await storage.get('uploads/s')).toString()).toBe('abcdé');
  });

  it('keeps every byte of an empty object and of one larger than an upload part, written whole or streamed', async () => {
    const large = Buffer.from(Array.from({ length: LARGE_BYTES }, (_, index) => index % 251));
    await storage.put('images/large', large);
    await storage.put('images/empty', '');
    expect((await storage.get('images/large')).equals(large)).toBe(true);
    expect((await storage.get('images/empty')).length).toBe(0);

    const chunks = Array.from({ length: Math.ceil(LARGE_BYTES / 65_536) }, (_, index) =>
      large.subarray(index * 65_536, (index + 1) * 65_536),
    );
    expect((await storage.putStream('images/streamed', Readable.from(chunks))).bytes).toBe(LARGE_BYTES);
    expect((await readAll(await storage.stream('images/streamed'))).equals(large)).toBe(true);
  });

  it('overwrites an object whole', async () => {
    await storage.put('files/o', 'one');
    await storage.put('files/o', 'two');
    expect((await storage.get('files/o')).toString()).toBe('two');
  });

  it.each([
    ['within one part', 1024],
    ['after a whole part went up', 6 * 1024 * 1024],
  ])('leaves nothing behind and rethrows the stream error when a body fails %s', async (_, bytes) => {
    await expect(storage.putStream('images/x', failingAfter(bytes))).rejects.toThrow('client went away');
    expect(await storage.stat('images/x')).toBeUndefined();
  });

  it('streams an object, and names the key of a missing one', async () => {
    await storage.put('files/b', 'streamed');
    expect((await readAll(await storage.stream('files/b'))).toString()).toBe('streamed');
    for (const read of [() => storage.stream('files/missing'), () => storage.get('files/missing')]) {
      const error = await read().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect((error as ObjectNotFoundError).key).toBe('files/missing');
    }
  });

  it('lends an object as a local file while `use` runs', async () => {
    await storage.put('images/local', 'pixels');
    const seen = await storage.withLocalFile('images/local', async (path) => ({ path, text: await readFile(path, 'utf8') }));
    expect(seen.text).toBe('pixels');
    await expect(storage.withLocalFile('images/none', async () => 'unused')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('says where an object lives, for logs', () => {
    expect(storage.locate('files/a.txt')).toMatch(/files\/a\.txt$/);
  });

  it('gives a download link that serves the bytes with their name and type, when the store serves clients itself', async () => {
    if (!storage.downloadUrl) {
      expect(storage).toBeInstanceOf(FileStorage);
      return;
    }
    await storage.put('files/report.pdf', '%PDF-1.7 fake');
    const link = await storage.downloadUrl('files/report.pdf', {
      expiresInSeconds: 60,
      disposition: 'attachment; filename="report.pdf"',
      contentType: 'application/pdf',
    });
    expect(new URL(link).searchParams.get('X-Amz-Expires')).toBe('60');
    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="report.pdf"');
    expect(await response.text()).toBe('%PDF-1.7 fake');
    await expect(
      storage.downloadUrl('files/none.pdf', {
        expiresInSeconds: 60,
        disposition: 'attachment; filename="none.pdf"',
        contentType: 'application/pdf',
      }),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it.each(['../etc/passwd', '/etc/passwd', 'files/../../x', 'files/.hidden', 'files//a', '', 'a\\b', 'files/a b', 'files/..'])(
    'refuses the key %j before touching the store',
    async (key) => {
      await expect(storage.put(key, 'x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      expect(() => storage.locate(key)).toThrow(InvalidStorageKeyError);
    },
  );
});
