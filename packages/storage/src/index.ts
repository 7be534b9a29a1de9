export * from './errors.js';
export { FileStorage } from './file-storage.js';
export { checkKey, outputFileId, storageKeys } from './keys.js';
export type { Storage, StoredObject } from './storage.js';
