import type { EmailKind } from '@nightshift/contracts';
import DataLoader from 'dataloader';
import type { Cluster, Redis } from 'ioredis';

/**
 * Why an address gets no more mail: it bounced for good or its owner marked mail as spam (no
 * mail at all), or its owner unsubscribed from bulk mail (transactional mail still goes out).
 */
export type SuppressionReason = 'bounced' | 'complained' | 'unsubscribed';

export interface Suppression {
  /** Lower-cased: addresses compare case-insensitively. */
  email: string;
  reason: SuppressionReason;
  /** What the provider said, e.g. the bounce's type and message; absent for an unsubscribe. */
  detail?: string;
  /** The webhook event that added it (Resend's `svix-id`); null for a one-click unsubscribe. */
  eventId: string | null;
  /** ISO 8601. */
  suppressedAt: string;
}

export interface SuppressionPage {
  suppressions: Suppression[];
  /** Pass back as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** What recording one webhook event did: `replayed` when the event id was seen before and nothing changed. */
export type EventOutcome = 'applied' | 'replayed';

/** Long beyond any provider's retry schedule, so a retried event is recognised whenever it comes back. */
const EVENT_MEMORY_SECONDS = 30 * 24 * 60 * 60;

/** Trimmed and lower-cased: the form every key and comparison uses. */
export function normalizeAddress(email: string): string {
  return email.trim().toLowerCase();
}

/** Whether a suppression stops mail of this kind: an unsubscribe stops bulk mail only. */
export function blocks(suppression: Suppression, kind: EmailKind): boolean {
  return suppression.reason !== 'unsubscribed' || kind === 'bulk';
}

/** `bounced on 2026-12-02T09:00:00.000Z (Permanent/General: mailbox does not exist; event msg_1)`: what and when. */
export function describeSuppression(suppression: Suppression): string {
  const details = [suppression.detail, suppression.eventId === null ? undefined : `event ${suppression.eventId}`].filter(
    (part) => part !== undefined,
  );
  const verb = suppression.reason === 'unsubscribed' ? 'unsubscribed from bulk mail' : suppression.reason;
  return `${verb} on ${suppression.suppressedAt}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

// KEYS: suppressions hash, transient-bounce counts hash, and the event's replay key when there is an event.
// ARGV: event memory (s), mode ('suppress' or 'count'), then address and record pairs.
// An unsubscribe never replaces a bounce or complaint, which stop more mail than it does.
const APPLY = `if #KEYS == 3 and not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 3, #ARGV, 2 do
  if ARGV[2] == 'count' then
    redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
  else
    local current = redis.call('HGET', KEYS[1], ARGV[i])
    local weaker = cjson.decode(ARGV[i + 1]).reason == 'unsubscribed'
    if not (current and weaker and cjson.decode(current).reason ~= 'unsubscribed') then
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    end
  end
end
return 1`;

export interface SuppressionListOptions {
  /** `QUEUE_PREFIX`: the list's keys sit beside the queues', under the same hash tag, so scripts run on a cluster. */
  prefix: string;
}

/**
 * The addresses email must not go to, in one Redis hash (`<prefix>:email-suppressions`, address →
 * record), with transient bounces counted per address beside it. The API writes it from Resend's
 * webhooks and one-click unsubscribes, lists and lifts entries; the email worker reads it before
 * each send. Each webhook event applies at most once: its id is remembered in the same script.
 */
export class SuppressionList {
  private readonly keys: { list: string; transient: string; event: (id: string) => string };
  /**
   * Lookups made in one turn of the event loop (concurrent requests, concurrent sends) go to Redis
   * as one HMGET. Nothing is cached: a suppression counts from the moment it is written.
   */
  private readonly lookups: DataLoader<string, string | null>;

  constructor(
    private readonly client: Redis | Cluster,
    { prefix }: SuppressionListOptions,
  ) {
    this.keys = {
      list: `${prefix}:email-suppressions`,
      transient: `${prefix}:email-suppressions:transient-bounces`,
      event: (id) => `${prefix}:email-suppressions:event:${id}`,
    };
    this.lookups = new DataLoader((addresses) => this.client.hmget(this.keys.list, ...addresses), {
      cache: false,
      // The default waits for the current microtasks only; a turn gathers what I/O callbacks queued beside it.
      batchScheduleFn: (callback) => setImmediate(callback),
    });
  }

  async find(email: string): Promise<Suppression | undefined> {
    const raw = await this.lookups.load(normalizeAddress(email));
    return raw === null ? undefined : (JSON.parse(raw) as Suppression);
  }

  /** One round trip for many addresses (a bulk request, with whatever else was looked up in the same turn): the suppression of each, in order, or undefined. */
  async findMany(emails: readonly string[]): Promise<(Suppression | undefined)[]> {
    if (emails.length === 0) return [];
    const raws = await this.lookups.loadMany(emails.map(normalizeAddress));
    return raws.map((raw) => {
      if (raw instanceof Error) throw raw;
      return raw === null ? undefined : (JSON.parse(raw) as Suppression);
    });
  }

  /** Suppresses each address, once per event id: a replay of the same event changes nothing. */
  suppress(
    emails: readonly string[],
    entry: Omit<Suppression, 'email' | 'suppressedAt'> & { suppressedAt?: string },
  ): Promise<EventOutcome> {
    const suppressedAt = entry.suppressedAt ?? new Date().toISOString();
    const pairs = unique(emails).flatMap((email) => {
      const record: Suppression = { email, reason: entry.reason, eventId: entry.eventId, suppressedAt };
      if (entry.detail !== undefined) record.detail = entry.detail;
      return [email, JSON.stringify(record)];
    });
    return this.apply(entry.eventId, 'suppress', pairs);
  }

  /** Counts a transient bounce of each address (they are not suppressed), once per event id. */
  countTransientBounce(emails: readonly string[], eventId: string): Promise<EventOutcome> {
    return this.apply(
      eventId,
      'count',
      unique(emails).flatMap((email) => [email, '']),
    );
  }

  /** Marks an event as handled without any effect (an event type Nightshift does not act on), so a replay is recognised too. */
  remember(eventId: string): Promise<EventOutcome> {
    return this.apply(eventId, 'count', []);
  }

  async transientBounces(email: string): Promise<number> {
    return Number((await this.client.hget(this.keys.transient, normalizeAddress(email))) ?? 0);
  }

  /** A page of the list, in no particular order (Redis HSCAN: an entry may repeat across pages, none is skipped). */
  async list(cursor = '0', count = 100): Promise<SuppressionPage> {
    const [next, flat] = await this.client.hscan(this.keys.list, cursor, 'COUNT', count);
    const suppressions: Suppression[] = [];
    for (let index = 1; index < flat.length; index += 2) suppressions.push(JSON.parse(flat[index] as string) as Suppression);
    return { suppressions, nextCursor: next === '0' ? null : next };
  }

  /** Lifts the suppression (and forgets the transient bounces) of an address; resolves with what was lifted, if anything. */
  async lift(email: string): Promise<Suppression | undefined> {
    const address = normalizeAddress(email);
    const results = await this.client
      .multi()
      .hget(this.keys.list, address)
      .hdel(this.keys.list, address)
      .hdel(this.keys.transient, address)
      .exec();
    const [error, raw] = results?.[0] ?? [null, null];
    if (error) throw error;
    return typeof raw === 'string' ? (JSON.parse(raw) as Suppression) : undefined;
  }

  private async apply(eventId: string | null, mode: 'suppress' | 'count', pairs: string[]): Promise<EventOutcome> {
    const keys = [this.keys.list, this.keys.transient, ...(eventId === null ? [] : [this.keys.event(eventId)])];
    const applied = await this.client.eval(APPLY, keys.length, ...keys, EVENT_MEMORY_SECONDS, mode, ...pairs);
    return applied === 1 ? 'applied' : 'replayed';
  }
}

function unique(emails: readonly string[]): string[] {
  return [...new Set(emails.map(normalizeAddress))];
}
