import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

/**
 * A signing secret as the Standard Webhooks specification writes one: `whsec_` and the base64 of
 * 24 to 64 random bytes. Receivers paste it into their verifying library as it is.
 */
export const endpointSecretSchema = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, { error: 'must be "whsec_" followed by base64', abort: true })
  .refine((secret) => {
    const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'must encode 24 to 64 bytes');

/** A new secret of 32 random bytes, in the Standard Webhooks form. */
export function generateEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** What is known of one endpoint, its secret aside: the API shows it, the worker decides by it. */
export interface EndpointState {
  id: string;
  /** False once it failed `disableAfter` deliveries in a row (or answered 410 Gone), until it is enabled again. */
  enabled: boolean;
  consecutiveFailures: number;
  createdAt: string;
  secretSetAt: string;
  disabledAt?: string;
  disabledReason?: string;
}

export interface FailureOutcome {
  consecutiveFailures: number;
  /** True for the one failure that disabled the endpoint, so one alert goes out however many workers fail at once. */
  disabledNow: boolean;
}

// Each script touches the endpoint's one hash, so it is atomic and runs on Redis Cluster as on one Redis.
const REGISTER = `local created = redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[2])
redis.call('HSET', KEYS[1], 'secret', ARGV[1], 'secretSetAt', ARGV[2])
if created == 1 then redis.call('HSET', KEYS[1], 'consecutiveFailures', 0) end
return created`;
const ENABLE = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[1], 'disabledAt', 'disabledReason')
redis.call('HSET', KEYS[1], 'consecutiveFailures', 0)
return 1`;
const SUCCEEDED = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'consecutiveFailures', 0) end
return 1`;
// ARGV: disable after this many (0: at once), now, reason.
const FAILED = `if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0} end
local failures = redis.call('HINCRBY', KEYS[1], 'consecutiveFailures', 1)
local disabledNow = 0
if failures >= tonumber(ARGV[1]) and redis.call('HSETNX', KEYS[1], 'disabledAt', ARGV[2]) == 1 then
  redis.call('HSET', KEYS[1], 'disabledReason', ARGV[3])
  disabledNow = 1
end
return {failures, disabledNow}`;

export interface EndpointStoreOptions {
  /** `QUEUE_PREFIX`: the endpoints' keys sit beside their queue's, under the same hash tag. */
  prefix: string;
  queue: string;
}

/**
 * The endpoints of a queue whose jobs go to addresses its users register (the webhook queue):
 * each one's signing secret, whether deliveries to it are on, and its consecutive failed
 * deliveries, in one Redis hash per endpoint (`<prefix>:<queue>:endpoint:<id>`). The API
 * registers and enables endpoints through it; the worker reads secrets and records outcomes.
 * The secret is stored as given, since signing needs it: protect Redis like the secret itself.
 */
export class EndpointStore {
  constructor(
    private readonly client: Redis | Cluster,
    private readonly options: EndpointStoreOptions,
  ) {}

  key(id: string): string {
    return `${this.options.prefix}:${this.options.queue}:endpoint:${id}`;
  }

  /** Sets the endpoint's secret, creating it enabled; resolves true when it was new. A new secret keeps its state. */
  async register(id: string, secret: string, now = new Date()): Promise<boolean> {
    return (await this.client.eval(REGISTER, 1, this.key(id), secret, now.toISOString())) === 1;
  }

  async state(id: string): Promise<EndpointState | undefined> {
    const fields = await this.client.hgetall(this.key(id));
    return fields.createdAt === undefined ? undefined : toState(id, fields);
  }

  /** The state and the secret, in one read: what a delivery needs. */
  async forDelivery(id: string): Promise<(EndpointState & { secret: string }) | undefined> {
    const fields = await this.client.hgetall(this.key(id));
    if (fields.createdAt === undefined || fields.secret === undefined) return undefined;
    return { ...toState(id, fields), secret: fields.secret };
  }

  /** Turns deliveries back on and starts the failure count again; resolves false for an unknown endpoint. */
  async enable(id: string): Promise<boolean> {
    return (await this.client.eval(ENABLE, 1, this.key(id))) === 1;
  }

  async recordSuccess(id: string): Promise<void> {
    await this.client.eval(SUCCEEDED, 1, this.key(id));
  }

  /** Counts a failed delivery and disables the endpoint at `disableAfter` in a row (0: disables it now). */
  async recordFailure(
    id: string,
    { disableAfter, reason, now = new Date() }: { disableAfter: number; reason: string; now?: Date },
  ) {
    const [consecutiveFailures, disabledNow] = (await this.client.eval(
      FAILED,
      1,
      this.key(id),
      disableAfter,
      now.toISOString(),
      reason,
    )) as [number, number];
    return { consecutiveFailures, disabledNow: disabledNow === 1 } satisfies FailureOutcome;
  }
}

function toState(id: string, fields: Record<string, string>): EndpointState {
  return {
    id,
    enabled: fields.disabledAt === undefined,
    consecutiveFailures: Number(fields.consecutiveFailures ?? 0),
    createdAt: fields.createdAt ?? '',
    secretSetAt: fields.secretSetAt ?? '',
    ...(fields.disabledAt === undefined ? {} : { disabledAt: fields.disabledAt, disabledReason: fields.disabledReason ?? '' }),
  };
}
