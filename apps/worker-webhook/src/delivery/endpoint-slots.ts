import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { Semaphore } from 'redis-semaphore';

export interface EndpointSlot {
  release(): Promise<void>;
}

export interface EndpointSlotsOptions {
  /** `QUEUE_PREFIX`: the slots' keys share the queue's hash tag, so each lives on the queue's node. */
  prefix: string;
  /** Deliveries in flight to one endpoint across every worker (`WEBHOOK_ENDPOINT_CONCURRENCY`). */
  perEndpoint: number;
  /** Longer than any delivery can take: the slot of a worker that died frees itself after it. */
  leaseMs: number;
}

/**
 * At most `perEndpoint` deliveries in flight to one endpoint, across every webhook worker, with
 * redis-semaphore's Redis semaphore (one sorted set per endpoint, leases that expire). A delivery
 * that finds its endpoint busy goes back to wait rather than holding a worker, so one slow receiver
 * cannot take every worker's concurrency.
 */
export class EndpointSlots {
  constructor(
    private readonly client: Redis | Cluster,
    private readonly options: EndpointSlotsOptions,
  ) {}

  /** A registered endpoint by its id; otherwise the URL's origin, hashed, since it is caller-written text. */
  static keyOf(endpointId: string | undefined, url: URL): string {
    return endpointId ?? `origin-${createHash('sha256').update(url.origin).digest('hex').slice(0, 32)}`;
  }

  /** A slot, or undefined when the endpoint already has `perEndpoint` deliveries in flight. */
  async tryTake(key: string): Promise<EndpointSlot | undefined> {
    const { prefix, perEndpoint, leaseMs } = this.options;
    const semaphore = new Semaphore(this.client, `${prefix}:webhook:slots:${key}`, perEndpoint, {
      lockTimeout: leaseMs,
      acquireAttemptsLimit: 1,
      // A delivery ends within its timeout, before the lease does: nothing to renew.
      refreshInterval: 0,
    });
    return (await semaphore.tryAcquire()) ? { release: () => semaphore.release() } : undefined;
  }
}
