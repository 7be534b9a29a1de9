export * from './errors.js';
export { FileStorage } from './file-storage.js';
export { checkKey, storageKeys } from './keys.js';
export type { Storage, StoredObject } from './storage.js';
