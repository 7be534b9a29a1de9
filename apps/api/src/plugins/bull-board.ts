import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import rateLimit from '@fastify/rate-limit';
import { contractJsonSchema, InvalidJobDataError, isQueueName, parseJobData, queueNames } from '@nightshift/contracts';
import type { Job } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import { BRAND_NAME, logoMarkSvg, svgDataUrl } from '../lib/brand.js';
import { basicAuth, redisRateLimitStore } from './auth.js';
import { sendError } from './errors.js';

export const BULL_BOARD_PATH = '/admin/queues';
const UPDATE_DATA_ROUTE = `${BULL_BOARD_PATH}/api/queues/:queueName/:jobId/update-data`;

/**
 * A job's times as the board shows them, in an order that can happen: added, then started, then
 * finished. `timestamp` comes from the producer's clock and the others from a worker's, so a
 * producer whose clock runs ahead, or a job added during a clock step, reads as having started
 * before it was added, and the board would print a negative wait. A step that went backwards is
 * shown as zero; Redis keeps the recorded values.
 */
export function inTimeOrder<J extends Pick<Job, 'timestamp' | 'processedOn' | 'finishedOn'>>(job: J): J {
  if (job.processedOn !== undefined && job.processedOn < job.timestamp) job.timestamp = job.processedOn;
  if (job.finishedOn !== undefined && job.processedOn !== undefined && job.finishedOn < job.processedOn) {
    job.processedOn = job.finishedOn;
    job.timestamp = Math.min(job.timestamp, job.finishedOn);
  }
  if (job.finishedOn !== undefined && job.finishedOn < job.timestamp) job.timestamp = job.finishedOn;
  return job;
}

/** Bull Board's adapter, with every job it reads put in time order (see `inTimeOrder`). */
class TimeOrderedAdapter extends BullMQAdapter {
  override async getJob(id: string) {
    const job = await super.getJob(id);
    return job && inTimeOrder(job);
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>) {
    return (await super.getJobs(...args)).map((job) => (job ? inTimeOrder(job) : job));
  }
}

/** Bull Board for every contract queue, behind basic auth: the onRequest hook covers its pages, assets and API. */
export interface BullBoardOptions {
  user: string;
  password: string;
  /** Failed logins a client (by IP) may make per window before every login answers 429. */
  loginFailures: { max: number; windowMs: number };
}

export const bullBoardPlugin: FastifyPluginAsync<BullBoardOptions> = async (app, { user, password, loginFailures }) => {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  const logo = svgDataUrl(logoMarkSvg);
  createBullBoard({
    queues: queueNames.map(
      (name) =>
        // The board's "add job" form shows the contract, and ContractQueue.add still validates what it sends.
        new TimeOrderedAdapter(app.queues[name], { jobDataSchema: contractJsonSchema(name).data }),
    ),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: BRAND_NAME,
        boardLogo: { path: logo, width: 32, height: 32 },
        favIcon: { default: logo, alternative: logo },
        // Its header links to bull-board's own site, which is not where our users look for help.
        hideDocsLink: true,
        miscLinks: [{ text: 'API docs', url: '/docs' }],
      },
    },
  });
  await app.register(rateLimit, {
    ...redisRateLimitStore(app, 'admin-login-failures'),
    global: false,
    max: loginFailures.max,
    timeWindow: loginFailures.windowMs,
    keyGenerator: (request) => `ip:${request.ip}`,
  });
  app.addHook('onRequest', basicAuth(user, password, app.createRateLimit()));
  // The board's "update data" action writes straight into the job, past ContractQueue: edits are
  // checked against the queue's contract here, so none can leave a job its worker must fail.
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== UPDATE_DATA_ROUTE) return;
    const { queueName } = request.params as { queueName: string };
    if (!isQueueName(queueName)) return;
    try {
      parseJobData(queueName, (request.body as { jobData?: unknown } | undefined)?.jobData);
    } catch (error) {
      if (!(error instanceof InvalidJobDataError)) throw error;
      await sendError(reply, 'INVALID_JOB_DATA', error.message, { issues: error.issues });
    }
  });
  await app.register(serverAdapter.registerPlugin());
};
