import { createHash } from 'node:crypto';
import { emailTemplateKinds } from '@nightshift/contracts';
import {
  blocks,
  describeSuppression,
  type SuppressionList,
  type SuppressionReason,
  type UnsubscribeLinks,
} from '@nightshift/email-suppressions';
import type { ContractJob, ContractProcessor } from '@nightshift/jobs';
import { ObjectNotFoundError, type Storage, storageKeys } from '@nightshift/storage';
import { jobFields, type Logger } from '@nightshift/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { Counter } from 'prom-client';
import type { Brand } from './templates/brand.js';
import { renderEmail, skipReason } from './templates/index.js';
import type { EmailAttachment, EmailTransport } from './transports/email-transport.js';

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
  /** The name, logo, colour and addresses every email's layout shows. */
  brand: Brand;
  /** Read before each send: a suppressed recipient fails the job unsent. */
  suppressions: SuppressionList;
  /** Signs the unsubscribe link of bulk mail. */
  unsubscribeLinks: UnsubscribeLinks;
  /** Sends refused because the recipient is suppressed, per reason and template. */
  suppressedSends: Counter<'reason' | 'template'>;
  /** Where attachments are read from (an invoice's PDF). */
  storage: Storage;
}

/**
 * Checks the suppression list, renders the job's template, sends it, returns `{ id, sentAt }`;
 * what a send failure means is the transport's to say. Bulk mail carries one-click unsubscribe
 * (RFC 8058) in its headers and its footer.
 */
export function createProcessor({
  transport,
  from,
  logger,
  brand,
  suppressions,
  unsubscribeLinks,
  suppressedSends,
  storage,
}: EmailProcessorOptions): ContractProcessor<'email'> {
  return async (job, _token, signal) => {
    const { to, template } = job.data;
    const skipped = skipReason(job.data);
    if (skipped !== undefined) {
      await job.log(`skipped, nothing sent: ${skipped}`);
      logger.info({ ...jobFields(job), template, reason: skipped }, 'email skipped');
      return { skipped: true, reason: skipped };
    }
    const kind = emailTemplateKinds[template];
    if (!job.data.ignoreSuppression) {
      const suppression = await suppressions.find(to);
      if (suppression && blocks(suppression, kind)) {
        suppressedSends.inc({ reason: suppression.reason satisfies SuppressionReason, template });
        const why = `${maskedAddress(to)} is suppressed: ${describeSuppression(suppression)}`;
        await job.log(`not sent: ${why}`);
        logger.info({ ...jobFields(job), template, reason: suppression.reason }, 'email not sent: recipient suppressed');
        throw new UnrecoverableError(
          `not sent: ${why}. Lift it with DELETE /v1/suppressions/{email}, or queue the job with data.ignoreSuppression`,
        );
      }
    }
    const unsubscribeUrl = kind === 'bulk' ? unsubscribeLinks.url(to) : undefined;
    await job.log(`rendering template "${template}"`);
    const rendered = await renderEmail(job.data, { brand, ...(unsubscribeUrl === undefined ? {} : { unsubscribeUrl }) });
    const headers =
      unsubscribeUrl === undefined
        ? undefined
        : { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
    await job.updateProgress(50);
    logger.debug({ ...jobFields(job), template, htmlBytes: rendered.html.length }, 'email rendered');

    const attachments = await readAttachments(job.data, storage);
    await job.log(`sending through ${transport.name}`);
    const { id } = await transport.send(
      {
        from,
        to,
        ...rendered,
        ...(headers === undefined ? {} : { headers }),
        ...(attachments.length === 0 ? {} : { attachments }),
      },
      { idempotencyKey: idempotencyKey(job), queue: job.queueName, jobId: String(job.id), signal },
    );
    const sentAt = new Date().toISOString();
    await job.log(`sent to ${maskedAddress(to)} (message ${id})`);
    await job.updateProgress(100);
    logger.info({ ...jobFields(job), template, transport: transport.name, messageId: id }, 'email sent');
    return { id, sentAt };
  };
}

/** An invoice's PDF from storage; a file that is not there fails the job at once, naming it (retrying cannot make it appear). */
async function readAttachments(email: ContractJob<'email'>['data'], storage: Storage): Promise<EmailAttachment[]> {
  if (email.template !== 'invoice' || email.data.attachmentFileId === undefined) return [];
  const fileId = email.data.attachmentFileId;
  try {
    const content = await storage.get(storageKeys.file(fileId));
    return [{ filename: `invoice-${email.data.invoiceNumber.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`, content }];
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new UnrecoverableError(`data.attachmentFileId: no file ${fileId} in storage; render the invoice PDF first`);
    }
    throw error;
  }
}
