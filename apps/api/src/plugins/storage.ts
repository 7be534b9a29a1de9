import { checkStorageAtStart, createStorage, type Storage, type StorageLocation } from '@nightshift/storage';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The store shared with the workers (a folder or a bucket): uploads go in, rendered files come out. */
    storage: Storage;
  }
}

/** Opens the configured storage and checks it at start: a missing bucket stops the API, naming STORAGE_URL. */
export const storagePlugin = fp<{ location: StorageLocation }>(
  async (app, { location }) => {
    const storage = createStorage(location);
    await checkStorageAtStart(storage, (message) => app.log.warn(message));
    app.decorate('storage', storage);
    app.addHook('onClose', () => storage.close());
  },
  { name: 'storage' },
);
