import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ObjectNotFoundError, StorageConfigError, StorageUnavailableError } from './errors.js';
import { checkKey } from './keys.js';
import type { S3Location } from './location.js';
import type { DownloadUrlOptions, Storage, StoredObject } from './storage.js';

export interface S3StorageOptions extends Omit<S3Location, 'kind'> {
  /** Unset: the AWS SDK's default chain (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, a profile, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * S3's minimum part. Bodies up to it go up in one PUT, larger ones in parts of it; with one part
 * in flight, an upload holds at most about two parts in memory, whatever its size.
 */
const PART_BYTES = 5 * 1024 * 1024;
/** A server that does not accept the connection in this time is unavailable, not slow. */
const CONNECT_TIMEOUT_MS = 3_000;
/** No byte for this long on an open request: the server is gone. A slow large transfer keeps sending, so it is not cut. */
const IDLE_TIMEOUT_MS = 30_000;
// Besides Node's system errors (ECONNREFUSED...): the SDK's own for no answer in time, and for an instance role whose endpoint did not answer.
const NETWORK_ERROR_NAMES = new Set(['TimeoutError', 'CredentialsProviderError']);

/**
 * A bucket (of AWS S3 or an S3-compatible server such as MinIO) shared by processes on any number
 * of hosts. Each PUT is atomic in S3, so readers never see half an object; a failed multipart
 * upload is aborted, leaving nothing under its key. Reads stream; downloads go to clients as
 * presigned URLs, so file bytes never pass through the API.
 */
export class S3Storage implements Storage {
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;
  /** Signs download links for the address clients use; signing happens locally, this client never connects. */
  private readonly presigner: S3Client;
  private readonly where: string;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix === '' ? '' : `${options.prefix}/`;
    this.where = `s3://${options.bucket}/${this.prefix}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
    const shared = {
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // The SDK's default checksums (CRC32 on every PUT since 2025) are refused by several
      // S3-compatible servers; S3 checks what the protocol requires either way.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    } as const;
    this.client = new S3Client({
      ...shared,
      endpoint: options.endpoint,
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
    });
    this.presigner = options.publicEndpoint ? new S3Client({ ...shared, endpoint: options.publicEndpoint }) : this.client;
  }

  async put(key: string, body: Uint8Array | string): Promise<StoredObject> {
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    await this.upload(key, body);
    return { key, bytes, modifiedAt: new Date() };
  }

  async putStream(key: string, body: Readable): Promise<StoredObject> {
    // The stream's own error (a client that went away, a body over its limit) is what the caller
    // must see, not the upload's failure that follows from it.
    let bodyError: unknown;
    body.once('error', (error) => {
      bodyError = error;
    });
    try {
      await this.upload(key, body);
    } catch (error) {
      throw bodyError ?? error;
    }
    const stored = await this.stat(key);
    if (!stored) throw new StorageUnavailableError(`${this.where} lost ${key} right after storing it`);
    return stored;
  }

  async get(key: string): Promise<Buffer> {
    const body = await this.open(key);
    try {
      const bytes = await body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      throw this.failure(error, key);
    }
  }

  async stream(key: string): Promise<Readable> {
    return this.open(key);
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { key, bytes: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      const failure = this.failure(error, key);
      if (failure instanceof ObjectNotFoundError) return undefined;
      throw failure;
    }
  }

  async withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    const body = await this.open(key);
    const dir = await mkdtemp(join(tmpdir(), 'nightshift-s3-'));
    try {
      const path = join(dir, 'object');
      try {
        await pipeline(body, createWriteStream(path));
      } catch (error) {
        throw this.failure(error, key);
      }
      return await use(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async downloadUrl(key: string, { expiresInSeconds, disposition, contentType }: DownloadUrlOptions): Promise<string> {
    if (!(await this.stat(key))) throw new ObjectNotFoundError(key);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.objectKey(key),
      ResponseContentDisposition: disposition,
      ResponseContentType: contentType,
    });
    return getSignedUrl(this.presigner, command, { expiresIn: expiresInSeconds });
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.objectKey(key)}`;
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw this.startFailure(error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      throw this.failure(error, key);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.presigner.destroy();
  }

  private objectKey(key: string): string {
    return `${this.prefix}${checkKey(key).join('/')}`;
  }

  private async open(key: string): Promise<Readable & { transformToByteArray(): Promise<Uint8Array> }> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (!(Body instanceof Readable)) throw new StorageUnavailableError(`${this.where} answered ${key} without a body`);
      return Body as Readable & { transformToByteArray(): Promise<Uint8Array> };
    } catch (error) {
      throw this.failure(error, key);
    }
  }

  private async upload(key: string, body: Uint8Array | string | Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.objectKey(key), Body: body },
      partSize: PART_BYTES,
      queueSize: 1,
    });
    try {
      await upload.done();
    } catch (error) {
      throw this.failure(error, key);
    }
  }

  /** What a failed call means for the caller: the object is missing, the store cannot answer now, or a bug (as thrown). */
  private failure(error: unknown, key: string): unknown {
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode ?? 0;
      if (error.name === 'NoSuchBucket') {
        return new StorageUnavailableError(`${this.where}: the bucket is gone (reading ${key})`, { cause: error });
      }
      if (status === 404) return new ObjectNotFoundError(key);
      // Refused credentials and throttling pass once an operator or the load changes them; so do server errors.
      if (status === 403 || status === 429 || status >= 500) {
        return new StorageUnavailableError(`${this.where} answered ${status} ${error.name} for ${key}`, { cause: error });
      }
      return error;
    }
    if (isNetworkError(error)) {
      return new StorageUnavailableError(`${this.where} is unreachable (${(error as Error).message}) for ${key}`, {
        cause: error,
      });
    }
    return error;
  }

  private startFailure(error: unknown): Error {
    if (error instanceof S3ServiceException) {
      const status = error.$metadata.httpStatusCode ?? 0;
      if (status === 404)
        return new StorageConfigError(`STORAGE_URL names the bucket "${this.bucket}", which does not exist (${this.where})`);
      if (status === 401 || status === 403) {
        return new StorageConfigError(
          `access to the bucket of STORAGE_URL (${this.where}) was refused (${status} ${error.name}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the role the AWS SDK found`,
          { cause: error },
        );
      }
      if (status >= 300 && status < 500) {
        return new StorageConfigError(
          `the bucket of STORAGE_URL (${this.where}) answered ${status} ${error.name}: check its region`,
          {
            cause: error,
          },
        );
      }
    }
    if (error instanceof Error && /region is missing/i.test(error.message)) {
      return new StorageConfigError('STORAGE_URL has no region and the AWS SDK found none (AWS_REGION): add ?region=… to it', {
        cause: error,
      });
    }
    if (error instanceof Error && error.name === 'CredentialsProviderError') {
      return new StorageConfigError(
        `no credentials for the bucket of STORAGE_URL (${this.where}): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the host a role (${error.message})`,
        { cause: error },
      );
    }
    const failure = this.failure(error, '(bucket check)');
    return failure instanceof Error ? failure : new StorageUnavailableError(String(failure));
  }
}

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as NodeJS.ErrnoException;
  return NETWORK_ERROR_NAMES.has(error.name) || (typeof code === 'string' && /^E[A-Z]+$/.test(code));
}
