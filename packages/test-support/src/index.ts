import { randomUUID } from 'node:crypto';

export { type Browser, launchChromium, screenshotPath } from './browser.js';
export { type ImportOutcome, importInChild } from './import-in-child.js';
export { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
export { freePort } from './ports.js';
export { TestRedisCluster } from './redis-cluster.js';
export { type RedisServerOptions, TestRedisServer } from './redis-server.js';
export { type RecordedRequest, ResendStandIn, resendAnswers, type StandInAnswer, type StandInScript } from './resend-stand-in.js';
export {
  resendBounce,
  resendComplaint,
  type SignedResendWebhook,
  signResendWebhook,
  TEST_RESEND_WEBHOOK_SECRET,
} from './resend-webhooks.js';
export { TEST_S3_BUCKET, TEST_S3_CREDENTIALS, TEST_S3_REGION, TestS3Server } from './s3-server.js';
export { TcpProxy } from './tcp-proxy.js';
export { waitFor } from './wait-for.js';
export { startWebhookRecorder } from './webhook-recorder.js';

/** The shared Redis for tests that do not stop or reconfigure it (never flushed: isolate by prefix). */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of one test's own, with a hash tag like the production default. */
export function uniquePrefix(label = 'test'): string {
  return `{${label}-${randomUUID()}}`;
}
