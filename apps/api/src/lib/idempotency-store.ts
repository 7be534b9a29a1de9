import { createHash } from 'node:crypto';
import type { RedisOrCluster } from '@nightshift/jobs';

/** How long a key keeps returning its first job: the contract promises at least 24 h. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * A reservation older than this whose job never appeared belongs to a request that died, or whose
 * add was lost: a retry adds the job under the reserved id (a late add of the same id is a no-op).
 */
export const STALE_RESERVATION_MS = 30_000;

export interface IdempotencyRecord {
  jobId: string;
  name: string;
  /** `pending` between the reservation and the job's creation. */
  status: 'pending' | 'done';
  since: number;
  /** The request's fingerprint (see `requestFingerprint`); absent on keys written before it was recorded. */
  fingerprint?: string;
}

export interface Reserved {
  raw: string;
  record: IdempotencyRecord;
}

// GET-then-SET and compare-and-swap in one step each, so two requests can never both win a key.
const RESERVE = `local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;
const SWAP = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1`;

/**
 * Idempotency keys live in Redis next to their queue (same hash tag), for 24 h, independently
 * of the job: a key still answers after its job completed and was removed.
 */
export class IdempotencyStore {
  constructor(
    private readonly client: RedisOrCluster,
    private readonly prefix: string,
  ) {}

  /** Reserves the key; resolves to undefined when this call won it, or to the record that holds it. */
  async reserve(queue: string, key: string, record: IdempotencyRecord): Promise<Reserved | undefined> {
    const raw = JSON.stringify(record);
    const current = (await this.client.eval(RESERVE, 1, this.redisKey(queue, key), raw, IDEMPOTENCY_TTL_SECONDS)) as
      | string
      | null;
    return current === null ? undefined : { raw: current, record: JSON.parse(current) as IdempotencyRecord };
  }

  /** Replaces the value only if it is still `expected`; an empty `next` deletes it. */
  async swap(queue: string, key: string, expected: string, next: IdempotencyRecord | undefined): Promise<boolean> {
    const value = next === undefined ? '' : JSON.stringify(next);
    const swapped = await this.client.eval(SWAP, 1, this.redisKey(queue, key), expected, value, IDEMPOTENCY_TTL_SECONDS);
    return swapped === 1;
  }

  redisKey(queue: string, key: string): string {
    // Hashed: the header is client-chosen text and must not shape Redis keys.
    return `${this.prefix}:${queue}:idempotency:${createHash('sha256').update(key).digest('hex')}`;
  }
}
