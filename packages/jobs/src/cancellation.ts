import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * `worker.cancelJob` only reaches jobs held by that process, so the API asks every worker of
 * a queue over Redis pub/sub and the one holding the job aborts it. A worker that is
 * disconnected at that instant misses the message; the API reports how many workers heard it.
 */
export function cancellationChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:cancel`;
}

export const cancellationRequestSchema = z.strictObject({
  jobId: z.string().min(1).max(256),
  reason: z.string().max(500),
});
export type CancellationRequest = z.infer<typeof cancellationRequestSchema>;

/** Publishes a cancellation; resolves to the number of worker processes that received it. */
export function requestCancellation(
  client: Redis,
  target: { prefix: string; queue: string },
  request: CancellationRequest,
): Promise<number> {
  return client.publish(cancellationChannel(target.prefix, target.queue), JSON.stringify(request));
}

/**
 * Subscribes on a dedicated connection (a subscribed client can do nothing else).
 * Malformed messages are ignored: anyone who can publish on Redis can already do worse.
 */
export async function subscribeToCancellations(
  subscriber: Redis,
  target: { prefix: string; queue: string },
  onRequest: (request: CancellationRequest) => void,
): Promise<() => Promise<void>> {
  const channel = cancellationChannel(target.prefix, target.queue);
  const listener = (from: string, message: string) => {
    if (from !== channel) return;
    const parsed = cancellationRequestSchema.safeParse(safeJson(message));
    if (parsed.success) onRequest(parsed.data);
  };
  subscriber.on('message', listener);
  await subscriber.subscribe(channel);
  return async () => {
    subscriber.off('message', listener);
    await subscriber.unsubscribe(channel).catch(() => undefined);
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
