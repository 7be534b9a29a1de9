import { fileURLToPath } from 'node:url';
import { InvalidStorageUrlError } from './errors.js';
import { checkKey } from './keys.js';

/** A directory on this machine: every process that shares files must see the same one. */
export interface FileLocation {
  kind: 'file';
  root: string;
}

/** A bucket of S3 or of an S3-compatible server, and the key prefix every object goes under. */
export interface S3Location {
  kind: 's3';
  bucket: string;
  /** '' or `a/b`: object keys become `a/b/<key>`. */
  prefix: string;
  /** Unset: the SDK's own lookup (`AWS_REGION`, the shared config file). */
  region?: string;
  /** Unset: AWS itself. An S3-compatible server's address, e.g. `http://minio:9000`. */
  endpoint?: string;
  /** Where clients reach the same server, for download links, when it differs from `endpoint` (a container name). */
  publicEndpoint?: string;
  forcePathStyle: boolean;
}

export type StorageLocation = FileLocation | S3Location;

const USAGE = 'use file:///absolute/path or s3://bucket/prefix?region=…&endpoint=…&forcePathStyle=true';
const S3_PARAMETERS = ['region', 'endpoint', 'publicEndpoint', 'forcePathStyle'] as const;
// AWS's rules for new buckets; S3-compatible servers accept the same names.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;

/** Reads a `STORAGE_URL`. Each error says what is wrong in words that follow the variable's name. */
export function parseStorageUrl(text: string): StorageLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidStorageUrlError(`is not a URL: ${USAGE}`);
  }
  if (url.protocol === 'file:') return { kind: 'file', root: fileRoot(url) };
  if (url.protocol === 's3:') return s3Location(url);
  throw new InvalidStorageUrlError(`has the unknown scheme "${url.protocol}": ${USAGE}`);
}

function fileRoot(url: URL): string {
  if (url.search || url.hash)
    throw new InvalidStorageUrlError('is a file:// URL with a query or fragment, which mean nothing here');
  try {
    return fileURLToPath(url);
  } catch (error) {
    throw new InvalidStorageUrlError(`is not a local file:// path (${(error as Error).message}): ${USAGE}`);
  }
}

function s3Location(url: URL): S3Location {
  if (url.username || url.password) {
    throw new InvalidStorageUrlError(
      'holds credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or use the AWS SDK default chain) instead',
    );
  }
  const bucket = url.hostname;
  if (!BUCKET.test(bucket)) {
    throw new InvalidStorageUrlError(
      `names the bucket "${bucket}", which is not a bucket name (3 to 63 lowercase letters, digits, "." or "-"): ${USAGE}`,
    );
  }
  const prefix = url.pathname.replace(/^\/+|\/+$/g, '');
  if (prefix !== '') {
    try {
      checkKey(prefix);
    } catch {
      throw new InvalidStorageUrlError(
        `has the key prefix "${prefix}": use "/"-separated segments of letters, digits, ".", "_" or "-"`,
      );
    }
  }
  for (const name of url.searchParams.keys()) {
    if (!(S3_PARAMETERS as readonly string[]).includes(name)) {
      throw new InvalidStorageUrlError(`has the unknown parameter "${name}": s3:// URLs take ${S3_PARAMETERS.join(', ')}`);
    }
  }
  const region = url.searchParams.get('region') ?? undefined;
  if (region !== undefined && !REGION.test(region)) {
    throw new InvalidStorageUrlError(`has the region "${region}", which is not a region name such as eu-west-1`);
  }
  const forcePathStyle = url.searchParams.get('forcePathStyle') ?? 'false';
  if (forcePathStyle !== 'true' && forcePathStyle !== 'false') {
    throw new InvalidStorageUrlError(`has forcePathStyle=${forcePathStyle}: use true or false`);
  }
  return {
    kind: 's3',
    bucket,
    prefix,
    region,
    endpoint: httpUrl(url.searchParams.get('endpoint'), 'endpoint'),
    publicEndpoint: httpUrl(url.searchParams.get('publicEndpoint'), 'publicEndpoint'),
    forcePathStyle: forcePathStyle === 'true',
  };
}

function httpUrl(value: string | null, parameter: string): string | undefined {
  if (value === null) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.pathname !== '/' || parsed.search) {
    throw new InvalidStorageUrlError(`has ${parameter}=${value}: use the server's http(s) address alone, e.g. http://minio:9000`);
  }
  return parsed.origin;
}
