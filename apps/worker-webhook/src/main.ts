import { loadEnv, redisLocation } from '@nightshift/config';
import { createRedisClient, EndpointStore } from '@nightshift/jobs';
import { createLogger, runWorkerMain, sendAlert } from '@nightshift/worker-runtime';
import { AddressPolicy } from './delivery/address-policy.js';
import { EndpointSlots } from './delivery/endpoint-slots.js';
import { WebhookSender } from './delivery/send-webhook.js';
import { envSchema } from './env.js';
import { createProcessor } from './processor.js';

// Parsed here, when the app starts: importing env.ts (tests, tools) never reads or exits on the environment.
const env = loadEnv(envSchema);

const logger = createLogger('worker-webhook', env.LOG_LEVEL);
// The endpoints' secrets and counts, and the delivery slots, beside the queue's keys.
const redis = createRedisClient('worker', redisLocation(env));
redis.on('error', (error) => logger.warn({ err: error }, 'redis endpoints connection error'));
const sender = new WebhookSender(new AddressPolicy(env.WEBHOOK_ALLOWED_NETWORKS), env.WEBHOOK_TIMEOUT_MS);
logger.info(
  {
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    allowedNetworks: env.WEBHOOK_ALLOWED_NETWORKS,
    endpointConcurrency: env.WEBHOOK_ENDPOINT_CONCURRENCY,
    disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
  },
  'webhook delivery configured',
);

await runWorkerMain({
  queue: 'webhook',
  processor: createProcessor({
    sender,
    endpoints: new EndpointStore(redis, { prefix: env.QUEUE_PREFIX, queue: 'webhook' }),
    slots: new EndpointSlots(redis, {
      prefix: env.QUEUE_PREFIX,
      perEndpoint: env.WEBHOOK_ENDPOINT_CONCURRENCY,
      leaseMs: env.WEBHOOK_TIMEOUT_MS + 5_000,
    }),
    signingSecret: env.WEBHOOK_SIGNING_SECRET,
    disableAfterFailures: env.WEBHOOK_DISABLE_AFTER_FAILURES,
    retryAfterMaxMs: env.WEBHOOK_RETRY_AFTER_MAX_MS,
    onEndpointDisabled: (disabled) => {
      logger.error({ ...disabled, event: 'endpoint disabled' }, 'webhook endpoint disabled');
      if (env.ALERT_WEBHOOK_URL)
        void sendAlert(env.ALERT_WEBHOOK_URL, 'webhook.endpoint_disabled', { queue: 'webhook', ...disabled }, logger);
    },
  }),
  env,
  logger,
  // Deliveries wait on the network, and EndpointSlots keeps a slow receiver from taking them all.
  defaultConcurrency: 20,
  onClose: async () => {
    await sender.close();
    await redis.quit().catch(() => redis.disconnect());
  },
});
