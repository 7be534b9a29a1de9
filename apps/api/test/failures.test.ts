import { randomUUID } from 'node:crypto';
import { createWorker } from '@nightshift/jobs';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp } from './helpers.js';

// Three causes, each thrown from a function of its own and with what varies per job in its message.
class MailboxFullError extends Error {
  override readonly name = 'MailboxFullError';
}
function connectToProvider(index: number): never {
  throw new Error(`connect ECONNREFUSED 10.0.${index % 250}.${index % 7}:443`);
}
function deliverToMailbox(to: string, index: number): never {
  throw new MailboxFullError(`mailbox ${to} is full (${index} messages)`);
}
function loadTemplate(): never {
  throw new UnrecoverableError(`template at https://templates.example.com/${randomUUID()} not found`);
}

const causes = { refused: 150, mailbox: 100, template: 50 } as const;
const total = causes.refused + causes.mailbox + causes.template;

let t: TestApp;
const byCause = new Map<string, string>();

async function failures(query = '') {
  const response = await t.app.inject({ method: 'GET', url: `/v1/queues/email/failures${query}`, headers: auth() });
  expect(response.statusCode).toBe(200);
  return response.json() as {
    groups: {
      fingerprint: string;
      errorClass: string;
      message: string;
      frame: string | null;
      count: number;
      firstSeen: string;
      lastSeen: string;
      sampleMessage: string;
      sampleJobIds: string[];
    }[];
    totalGroups: number;
    totalFailed: number;
    nextCursor: string | null;
  };
}

const act = (method: 'POST' | 'DELETE', fingerprint: string, token?: string) =>
  t.app.inject({
    method,
    url: `/v1/queues/email/failures/${fingerprint}${method === 'POST' ? '/retry' : ''}`,
    headers: token === undefined ? auth() : { authorization: `Bearer ${token}` },
  });

beforeAll(async () => {
  t = await startTestApp();
  const kinds = [
    ...Array.from({ length: causes.refused }, () => 'refused'),
    ...Array.from({ length: causes.mailbox }, () => 'mailbox'),
    ...Array.from({ length: causes.template }, () => 'template'),
  ];
  const worker = createWorker(
    'email',
    async (job) => {
      const index = Number(job.id?.split('-').at(-1));
      if (job.name === 'refused') connectToProvider(index);
      if (job.name === 'mailbox') deliverToMailbox(job.data.to, index);
      loadTemplate();
    },
    { redisUrl: t.env.REDIS_URL, prefix: t.env.QUEUE_PREFIX, concurrency: 50, autorun: false },
  );
  let failed = 0;
  const allFailed = new Promise<void>((resolve) =>
    worker.on('failed', () => {
      failed += 1;
      if (failed === total) resolve();
    }),
  );
  await t.app.queues.email.addBulk(
    kinds.map((name, index) => ({
      name,
      data: {
        to: `user-${index}@example.com`,
        template: 'trial-expiry' as const,
        data: { upgradeUrl: 'https://app.example.com/upgrade' },
      },
      opts: { jobId: `${name}-${index}`, attempts: 1 },
    })),
  );
  void worker.run();
  await allFailed;
  // No worker from here on: a retried job stays waiting, so what each call moved can be counted.
  await worker.close();
}, 120_000);

afterAll(() => t?.close());

describe('failure groups', () => {
  it('groups failed jobs by cause, largest first, with counts, times, samples and pages', async () => {
    const page = await failures();
    expect(page.totalFailed).toBe(total);
    expect(page.totalGroups).toBe(3);
    expect(page.nextCursor).toBeNull();
    expect(page.groups.map((group) => [group.errorClass, group.message, group.count])).toEqual([
      ['Error', 'connect ECONNREFUSED <n>.<n>.<n>.<n>:<n>', causes.refused],
      ['MailboxFullError', 'mailbox <email> is full (<n> messages)', causes.mailbox],
      ['UnrecoverableError', 'template at <url> not found', causes.template],
    ]);
    const [refused, mailbox, template] = page.groups;
    expect(refused?.frame).toMatch(/^connectToProvider \(apps\/api\/test\/failures\.test\.ts\)$/);
    expect(mailbox?.frame).toMatch(/^deliverToMailbox /);
    expect(template?.frame).toMatch(/^loadTemplate /);
    for (const group of page.groups) {
      expect(group.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(Date.parse(group.firstSeen)).toBeLessThanOrEqual(Date.parse(group.lastSeen));
      expect(group.sampleJobIds).toHaveLength(5);
    }
    expect(mailbox?.sampleMessage).toMatch(/^mailbox user-\d+@example\.com is full \(\d+ messages\)$/);
    expect(mailbox?.sampleJobIds.every((id) => id.startsWith('mailbox-'))).toBe(true);
    byCause.set('refused', refused?.fingerprint ?? '');
    byCause.set('mailbox', mailbox?.fingerprint ?? '');
    byCause.set('template', template?.fingerprint ?? '');

    const first = await failures('?limit=2');
    expect(first.groups.map((group) => group.count)).toEqual([causes.refused, causes.mailbox]);
    expect(first.nextCursor).toBe('2');
    const second = await failures(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.groups.map((group) => group.count)).toEqual([causes.template]);
    expect(second.nextCursor).toBeNull();
  });

  it('needs the bearer token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/queues/email/failures' })).statusCode).toBe(401);
    expect((await act('POST', byCause.get('mailbox') ?? '', 'wrong-token')).statusCode).toBe(401);
    expect((await act('DELETE', byCause.get('mailbox') ?? '', 'wrong-token')).statusCode).toBe(401);
  });

  it('retries one group and leaves the others alone; a repeat moves nothing twice', async () => {
    const mailbox = byCause.get('mailbox') ?? '';
    const retried = await act('POST', mailbox);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ queue: 'email', fingerprint: mailbox, moved: causes.mailbox });
    expect((await act('POST', mailbox)).json()).toMatchObject({ moved: 0 });

    const counts = await t.app.queues.email.getJobCounts('failed', 'waiting');
    expect(counts).toEqual({ failed: causes.refused + causes.template, waiting: causes.mailbox });
    const left = await failures();
    expect(left.groups.map((group) => [group.fingerprint, group.count])).toEqual([
      [byCause.get('refused'), causes.refused],
      [byCause.get('template'), causes.template],
    ]);
  });

  it('moves each job once when two retries of a group race', async () => {
    const refused = byCause.get('refused') ?? '';
    const [a, b] = await Promise.all([act('POST', refused), act('POST', refused)]);
    expect((a.json() as { moved: number }).moved + (b.json() as { moved: number }).moved).toBe(causes.refused);
    expect(await t.app.queues.email.getJobCounts('failed', 'waiting')).toEqual({
      failed: causes.template,
      waiting: causes.mailbox + causes.refused,
    });
  });

  it('removes a group, once', async () => {
    const template = byCause.get('template') ?? '';
    expect((await act('DELETE', template)).json()).toEqual({ queue: 'email', fingerprint: template, removed: causes.template });
    expect((await act('DELETE', template)).json()).toMatchObject({ removed: 0 });
    expect(await t.app.queues.email.getJobCounts('failed', 'waiting')).toEqual({
      failed: 0,
      waiting: causes.mailbox + causes.refused,
    });
    expect((await failures()).groups).toEqual([]);
  });
});
