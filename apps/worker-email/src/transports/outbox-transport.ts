import { outputFileId, type Storage } from '@nightshift/storage';
import type { Logger } from '@nightshift/worker-runtime';
import type { EmailTransport, OutgoingEmail, SendContext } from './email-transport.js';
import { toEml } from './eml.js';

/**
 * Development transport: nothing is sent. Each message becomes `outbox/<queue>-<job>.eml` (open it
 * in a mail client) and `.html` (open it in a browser) in storage, a folder or a bucket; a re-run
 * overwrites its own files.
 */
export class OutboxTransport implements EmailTransport {
  readonly name = 'outbox';

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
  ) {}

  async send(email: OutgoingEmail, { idempotencyKey, queue, jobId }: SendContext): Promise<{ id: string }> {
    const emlKey = `outbox/${outputFileId(queue, jobId, 'eml')}`;
    const htmlKey = `outbox/${outputFileId(queue, jobId, 'html')}`;
    const messageId = `${outputFileId(queue, jobId, 'outbox')}@nightshift.localhost`;
    await this.storage.put(htmlKey, email.html);
    await this.storage.put(emlKey, toEml(email, { date: new Date(), messageId, idempotencyKey }));
    const location = this.storage.locate(emlKey);
    this.logger.info({ jobId, queue, path: location, html: this.storage.locate(htmlKey) }, 'email written to the outbox');
    return { id: location };
  }
}
