import type { QueueName } from '@nightshift/contracts';
import fp from 'fastify-plugin';
import { Admission, type AdmissionLimits } from '../lib/admission.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Refuses enqueues past each queue's limits (429): see `Admission`. */
    admission: Admission;
  }
}

export interface AdmissionPluginOptions {
  limits: { readonly [Q in QueueName]: AdmissionLimits };
}

export const admissionPlugin = fp<AdmissionPluginOptions>(
  async (app, { limits }) => {
    app.decorate('admission', new Admission(app.redis, app.queues, limits));
  },
  { name: 'admission', dependencies: ['redis', 'queues'] },
);
