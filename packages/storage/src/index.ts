export * from './errors.js';
export { FileStorage } from './file-storage.js';
export { checkKey, outputFileId, storageKeys } from './keys.js';
export { type FileLocation, parseStorageUrl, type S3Location, type StorageLocation } from './location.js';
export { checkStorageAtStart, createStorage } from './open-storage.js';
export { S3Storage, type S3StorageOptions } from './s3-storage.js';
export type { DownloadUrlOptions, Storage, StoredObject } from './storage.js';
