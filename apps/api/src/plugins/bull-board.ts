import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { contractJsonSchema, queueNames } from '@nightshift/contracts';
import type { FastifyPluginAsync } from 'fastify';
import { basicAuth } from './auth.js';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board for every contract queue, behind basic auth: the onRequest hook covers its pages, assets and API. */
export const bullBoardPlugin: FastifyPluginAsync<{ user: string; password: string }> = async (app, { user, password }) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queueNames.map(
      (name) =>
        // The board's "add job" form shows the contract, and ContractQueue.add still validates what it sends.
        new BullMQAdapter(app.queues[name], { jobDataSchema: contractJsonSchema(name).data }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Nightshift' } },
  });
  app.addHook('onRequest', basicAuth(user, password));
  await app.register(serverAdapter.registerPlugin());
};
