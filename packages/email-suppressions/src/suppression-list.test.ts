import { SHARED_REDIS_URL, TestRedisServer, uniquePrefix } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { blocks, describeSuppression, SuppressionList } from './suppression-list.js';
import { UnsubscribeLinks } from './unsubscribe-links.js';

const client = new Redis(SHARED_REDIS_URL);
const prefix = uniquePrefix('suppressions');
afterEach(async () => {
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
});
afterAll(() => client.quit());

describe('SuppressionList', () => {
  const list = new SuppressionList(client, { prefix });

  it('looks up the addresses asked for in one turn with one HMGET, a suppression counting from its write', async () => {
    // A server of its own: its command statistics count this test's calls only.
    const server = await TestRedisServer.start({ appendonly: false });
    const own = new Redis(server.url);
    try {
      const separate = new SuppressionList(own, { prefix });
      await separate.suppress(['ada@example.com'], { reason: 'complained', eventId: 'msg_9' });
      await own.config('RESETSTAT');
      const [ada, bob, many] = await Promise.all([
        separate.find('ADA@example.com'),
        separate.find('bob@example.com'),
        separate.findMany(['cy@example.com', 'ada@example.com']),
      ]);
      expect([ada?.reason, bob, many.map((one) => one?.reason)]).toEqual(['complained', undefined, [undefined, 'complained']]);
      expect(await own.info('commandstats')).toMatch(/^cmdstat_hmget:calls=1,/m);
      // Nothing is cached: an address suppressed now is suppressed on the next lookup.
      expect(await separate.find('bob@example.com')).toBeUndefined();
      await separate.suppress(['bob@example.com'], { reason: 'bounced', eventId: 'msg_10' });
      expect((await separate.find('bob@example.com'))?.reason).toBe('bounced');
    } finally {
      own.disconnect();
      await server.destroy();
    }
  });

  it('keeps one record per address, compared case-insensitively, and applies an event id once', async () => {
    const bounce = { reason: 'bounced' as const, detail: 'Permanent: mailbox does not exist', eventId: 'msg_1' };
    expect(await list.suppress(['Ada@Example.com'], bounce)).toBe('applied');
    expect(await list.find('ADA@example.COM')).toMatchObject({ email: 'ada@example.com', reason: 'bounced', eventId: 'msg_1' });

    await list.lift('ada@example.com');
    expect(await list.suppress(['ada@example.com'], bounce)).toBe('replayed');
    expect(await list.find('ada@example.com')).toBeUndefined();
  });

  it('never lets an unsubscribe weaken a bounce or a complaint', async () => {
    await list.suppress(['bob@example.com'], { reason: 'complained', eventId: 'msg_2' });
    await list.suppress(['bob@example.com'], { reason: 'unsubscribed', eventId: null });
    expect((await list.find('bob@example.com'))?.reason).toBe('complained');

    await list.suppress(['cy@example.com'], { reason: 'unsubscribed', eventId: null });
    await list.suppress(['cy@example.com'], { reason: 'bounced', eventId: 'msg_3' });
    expect((await list.find('cy@example.com'))?.reason).toBe('bounced');
  });

  it('counts transient bounces without suppressing, and lists a page at a time', async () => {
    expect(await list.countTransientBounce(['dee@example.com'], 'msg_4')).toBe('applied');
    expect(await list.countTransientBounce(['dee@example.com'], 'msg_4')).toBe('replayed');
    expect(await list.transientBounces('DEE@example.com')).toBe(1);
    expect(await list.find('dee@example.com')).toBeUndefined();

    const emails = Array.from({ length: 250 }, (_, index) => `user${index}@example.com`);
    await list.suppress(emails, { reason: 'bounced', eventId: 'msg_5' });
    const seen = new Set<string>();
    let cursor: string | null = '0';
    while (cursor !== null) {
      const page = await list.list(cursor, 50);
      for (const suppression of page.suppressions) seen.add(suppression.email);
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(new Set(emails));
  });

  it('says what stops which mail', () => {
    const unsubscribed = {
      email: 'a@b.c',
      reason: 'unsubscribed' as const,
      eventId: null,
      suppressedAt: '2026-12-02T09:00:00.000Z',
    };
    expect(blocks(unsubscribed, 'bulk')).toBe(true);
    expect(blocks(unsubscribed, 'transactional')).toBe(false);
    expect(blocks({ ...unsubscribed, reason: 'bounced' }, 'transactional')).toBe(true);
    expect(describeSuppression({ ...unsubscribed, reason: 'bounced', detail: 'Permanent/General', eventId: 'msg_1' })).toBe(
      'bounced on 2026-12-02T09:00:00.000Z (Permanent/General; event msg_1)',
    );
  });
});

describe('UnsubscribeLinks', () => {
  it('signs the lower-cased address, and refuses another address or secret', () => {
    const links = new UnsubscribeLinks('s'.repeat(32), 'https://api.example.com/');
    const url = new URL(links.url('Ada@Example.com'));
    expect(`${url.origin}${url.pathname}`).toBe('https://api.example.com/v1/unsubscribe');
    expect(url.searchParams.get('email')).toBe('ada@example.com');
    const signature = url.searchParams.get('signature') ?? '';
    expect(links.check('ADA@example.com', signature)).toBe(true);
    expect(links.check('bob@example.com', signature)).toBe(false);
    expect(new UnsubscribeLinks('t'.repeat(32), 'https://api.example.com').check('ada@example.com', signature)).toBe(false);
  });
});
