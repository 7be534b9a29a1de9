import { FileStorage, type Storage } from '@nightshift/storage';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The directory shared with the workers: uploads go in, rendered files come out. */
    storage: Storage;
  }
}

export const storagePlugin = fp<{ dir: string }>(
  async (app, { dir }) => {
    app.decorate('storage', new FileStorage(dir));
  },
  { name: 'storage' },
);
