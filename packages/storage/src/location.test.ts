import { describe, expect, it } from 'vitest';
import { InvalidStorageUrlError, parseStorageUrl } from './index.js';

describe('parseStorageUrl', () => {
  it('reads a folder from file://', () => {
    expect(parseStorageUrl('file:///data/storage')).toEqual({ kind: 'file', root: '/data/storage' });
  });

  it('reads a bucket, its prefix and the S3 parameters from s3://', () => {
    expect(
      parseStorageUrl(
        's3://nightshift-files/prod/eu?region=eu-west-1&endpoint=http://minio:9000&forcePathStyle=true&publicEndpoint=https://files.example.com',
      ),
    ).toEqual({
      kind: 's3',
      bucket: 'nightshift-files',
      prefix: 'prod/eu',
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      publicEndpoint: 'https://files.example.com',
      forcePathStyle: true,
    });
    expect(parseStorageUrl('s3://bucket')).toEqual({
      kind: 's3',
      bucket: 'bucket',
      prefix: '',
      region: undefined,
      endpoint: undefined,
      publicEndpoint: undefined,
      forcePathStyle: false,
    });
  });

  it.each([
    ['gs://bucket/prefix', /^has the unknown scheme "gs:": use file:\/\/\/absolute\/path or s3:\/\/bucket/],
    ['/data/storage', /^is not a URL/],
    ['s3://Bucket_Name', /names the bucket "Bucket_Name", which is not a bucket name/],
    ['s3://key:secret@bucket', /^holds credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/],
    ['s3://bucket/my%20files', /^has the key prefix "my%20files"/],
    ['s3://bucket?forcepathstyle=true', /^has the unknown parameter "forcepathstyle"/],
    ['s3://bucket?forcePathStyle=yes', /^has forcePathStyle=yes: use true or false/],
    ['s3://bucket?region=EU%20West', /^has the region "EU West"/],
    ['s3://bucket?endpoint=minio:9000', /^has endpoint=minio:9000: use the server's http\(s\) address alone/],
    ['s3://bucket?endpoint=http://minio:9000/path', /^has endpoint=http:\/\/minio:9000\/path/],
    ['file:///data?x=1', /^is a file:\/\/ URL with a query/],
  ])('refuses %s, saying why', (url, message) => {
    const error = (() => {
      try {
        parseStorageUrl(url);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidStorageUrlError);
    expect((error as Error).message).toMatch(message);
  });
});
