import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TEST_S3_BUCKET, TEST_S3_CREDENTIALS, TEST_S3_REGION, TestS3Server } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStorageAtStart, S3Storage, type S3StorageOptions, StorageConfigError, StorageUnavailableError } from './index.js';

// What every backend promises is in storage-contract.test.ts; this is what is S3's own.
let server: TestS3Server;
const opened: S3Storage[] = [];

function s3Storage(options: Partial<S3StorageOptions> = {}): S3Storage {
  const storage = new S3Storage({
    bucket: TEST_S3_BUCKET,
    prefix: 'own',
    region: TEST_S3_REGION,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: TEST_S3_CREDENTIALS,
    ...options,
  });
  opened.push(storage);
  return storage;
}

beforeAll(async () => {
  server = await TestS3Server.start();
});
afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
  await server?.destroy();
});

describe('S3Storage', () => {
  it('keeps objects under its key prefix, apart from another prefix in the same bucket', async () => {
    const tenantA = s3Storage({ prefix: 'tenant-a/files' });
    const tenantB = s3Storage({ prefix: 'tenant-b' });
    await tenantA.put('reports/q1.json', '{}');
    expect(tenantA.locate('reports/q1.json')).toBe(`s3://${TEST_S3_BUCKET}/tenant-a/files/reports/q1.json`);
    expect(await tenantB.stat('reports/q1.json')).toBeUndefined();

    const client = new S3Client({
      region: TEST_S3_REGION,
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: TEST_S3_CREDENTIALS,
    });
    try {
      const raw = await client.send(new GetObjectCommand({ Bucket: TEST_S3_BUCKET, Key: 'tenant-a/files/reports/q1.json' }));
      expect(await raw.Body?.transformToString()).toBe('{}');
    } finally {
      client.destroy();
    }
  });

  it('signs download links for the public endpoint when one is given', async () => {
    const publicEndpoint = `http://localhost:${server.port}`;
    const storage = s3Storage({ publicEndpoint });
    await storage.put('files/out.png', 'png');
    const link = new URL(
      await storage.downloadUrl('files/out.png', {
        expiresInSeconds: 30,
        disposition: 'attachment; filename="out.png"',
        contentType: 'image/png',
      }),
    );
    expect(link.origin).toBe(publicEndpoint);
    expect(link.pathname).toBe(`/${TEST_S3_BUCKET}/own/files/out.png`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('30');
  });

  it('refuses at start a bucket that does not exist, naming STORAGE_URL and the bucket', async () => {
    const error = await s3Storage({ bucket: 'no-such-bucket' })
      .check()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageConfigError);
    expect((error as Error).message).toMatch(/^STORAGE_URL names the bucket "no-such-bucket", which does not exist/);
  });

  it('refuses at start an access key the server does not know, naming the credential variables', async () => {
    const error = await s3Storage({ credentials: { accessKeyId: 'UNKNOWN', secretAccessKey: 'x' } })
      .check()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageConfigError);
    expect((error as Error).message).toContain('check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  });

  it('says unavailable, not missing, while the server is down, and works again once it is back', async () => {
    const storage = s3Storage({ prefix: 'outage' });
    await storage.put('images/kept', 'kept');
    await server.stop();
    try {
      for (const call of [
        () => storage.put('images/new', 'x'),
        () => storage.get('images/kept'),
        () => storage.stat('images/kept'),
        () => storage.stream('images/kept'),
        () => storage.check(),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(StorageUnavailableError);
        expect((error as Error).message).toContain('is unreachable');
      }
      const warnings: string[] = [];
      await checkStorageAtStart(storage, (message) => warnings.push(message));
      expect(warnings).toEqual([expect.stringMatching(/^storage is not answering at start .*uploads answer 503 and jobs wait/)]);
    } finally {
      await server.resume();
    }
    expect((await storage.get('images/kept')).toString()).toBe('kept');
  });
});
