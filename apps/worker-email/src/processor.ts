import { createHash } from 'node:crypto';
import type { ContractJob, ContractProcessor } from '@nightshift/jobs';
import { jobFields, type Logger } from '@nightshift/worker-runtime';
import { renderEmail } from './templates/index.js';
import type { EmailTransport } from './transports/email-transport.js';

/** Resend accepts keys of 1 to 256 characters. */
const MAX_KEY_LENGTH = 256;

/**
 * The same on every attempt and every re-run of one job (retry, stall, `job.retry()`), so Resend
 * answers a repeated send with the first email instead of sending a second. The creation time
 * keeps a job id that Redis reuses (after a queue was obliterated) from matching an older email.
 */
export function idempotencyKey(job: Pick<ContractJob<'email'>, 'queueQualifiedName' | 'id' | 'timestamp'>): string {
  const key = `${job.queueQualifiedName}:${job.id}:${job.timestamp}`;
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * `a***@example.com`: enough for a person reading job logs in the dashboard to tell which
 * recipient it was, without the log becoming a list of addresses.
 */
export function maskedAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${Array.from(address.slice(0, at))[0]}***${address.slice(at)}`;
}

export interface EmailProcessorOptions {
  transport: EmailTransport;
  from: string;
  logger: Logger;
}

/** Renders the job's template, sends it, returns `{ id, sentAt }`; what a failure means is the transport's to say. */
export function createProcessor({ transport, from, logger }: EmailProcessorOptions): ContractProcessor<'email'> {
  return async (job, _token, signal) => {
    const { to, template } = job.data;
    await job.log(`rendering template "${template}"`);
    const rendered = await renderEmail(job.data);
    await job.updateProgress(50);
    logger.debug({ ...jobFields(job), template, htmlBytes: rendered.html.length }, 'email rendered');

    await job.log(`sending through ${transport.name}`);
    const { id } = await transport.send(
      { from, to, ...rendered },
      { idempotencyKey: idempotencyKey(job), queue: job.queueName, jobId: String(job.id), signal },
    );
    const sentAt = new Date().toISOString();
    await job.log(`sent to ${maskedAddress(to)} (message ${id})`);
    await job.updateProgress(100);
    logger.info({ ...jobFields(job), template, transport: transport.name, messageId: id }, 'email sent');
    return { id, sentAt };
  };
}
