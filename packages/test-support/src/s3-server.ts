import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { freePort } from './ports.js';

/**
 * The only key pair s3rver knows. It refuses any other access key id, but it does not check
 * signatures: a wrong secret passes. The README's Tests section lists what else it leaves out.
 */
export const TEST_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const TEST_S3_BUCKET = 'nightshift-test';
export const TEST_S3_REGION = 'us-east-1';

/**
 * An S3-protocol server of the test's own (s3rver, objects in a temporary folder) on a free
 * loopback port, for tests of the S3 storage backend. `stop()` and `resume()` take it away and
 * bring it back on the same port with the same objects, for outage tests.
 */
export class TestS3Server {
  private server: Server | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly s3: S3rver,
  ) {}

  static async start(buckets: readonly string[] = [TEST_S3_BUCKET]): Promise<TestS3Server> {
    const dir = await mkdtemp(join(tmpdir(), 'nightshift-s3-'));
    const s3 = new S3rver({
      directory: dir,
      silent: true,
      vhostBuckets: false,
      configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    });
    await s3.configureBuckets();
    const server = new TestS3Server(await freePort(), dir, s3);
    await server.resume();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A `STORAGE_URL` for this server, under a key prefix of the caller's own (a fresh one by default). */
  storageUrl({ bucket = TEST_S3_BUCKET, prefix = `test-${randomUUID()}` }: { bucket?: string; prefix?: string } = {}): string {
    return `s3://${bucket}/${prefix}?region=${TEST_S3_REGION}&endpoint=${this.endpoint}&forcePathStyle=true`;
  }

  /** What an app process needs to use this server: `STORAGE_URL` and the credentials the AWS SDK reads itself. */
  variables(options?: { bucket?: string; prefix?: string }): Record<string, string> {
    return {
      STORAGE_URL: this.storageUrl(options),
      AWS_ACCESS_KEY_ID: TEST_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_S3_CREDENTIALS.secretAccessKey,
    };
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens (again) on the same port, serving the same objects. */
  async resume(): Promise<void> {
    if (this.server) return;
    const server = createServer(this.s3.callback());
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  /** Stops listening and drops every open connection, as a server that went away does. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await closed;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
