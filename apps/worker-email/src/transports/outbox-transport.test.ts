import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStorage } from '@nightshift/storage';
import { createLogger } from '@nightshift/worker-runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxTransport } from './outbox-transport.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightshift-outbox-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('OutboxTransport', () => {
  it('writes an .eml and an .html per job under outbox/, and returns the .eml path', async () => {
    const transport = new OutboxTransport(new FileStorage(root), createLogger('test', 'silent'));
    const email = {
      from: 'Nightshift <no-reply@nightshift.localhost>',
      to: 'user@example.com',
      subject: 'Café\r\nBcc: victim@example.com',
      html: '<p>Bonjour</p>',
      text: 'Bonjour',
    };
    const { id } = await transport.send(email, { idempotencyKey: 'k-1', queue: 'email', jobId: '7' });

    expect(id).toBe(join(root, 'outbox', 'email-7.eml'));
    expect(await readFile(join(root, 'outbox', 'email-7.html'), 'utf8')).toBe('<p>Bonjour</p>');
    const eml = await readFile(id, 'utf8');
    expect(eml).toContain('To: user@example.com\r\n');
    // A subject with a line break stays one encoded header: no injected Bcc.
    expect(eml).toContain(`Subject: =?UTF-8?B?${Buffer.from(email.subject).toString('base64')}?=\r\n`);
    expect(eml).not.toMatch(/^Bcc:/m);
    expect(eml).toContain(Buffer.from('<p>Bonjour</p>').toString('base64'));
  });
});
