import { z } from 'zod';
import { isClusterClient, type RedisOrCluster } from './connection.js';

/**
 * `worker.cancelJob` only reaches jobs held by that process, so the API asks every worker of
 * a queue over Redis pub/sub and the one holding the job aborts it. A worker that is dead or
 * disconnected at that instant misses the message, so the cancellation is also written on the job
 * itself (`markCancelled`): whichever worker takes it next fails it without running it.
 *
 * On a cluster the channel is sharded (SPUBLISH/SSUBSCRIBE): it carries the queue's hash tag, so it lives
 * on the queue's master, and the count of receivers SPUBLISH answers is every subscribed worker's (a plain
 * PUBLISH would count only the subscribers of the node it reached).
 *
 * `prefix` is the queue's key prefix as BullMQ uses it (`queue.opts.prefix`), not the namespace.
 */
export function cancellationChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:cancel`;
}

export const cancellationRequestSchema = z.strictObject({
  jobId: z.string().min(1).max(256),
  reason: z.string().max(500),
});
export type CancellationRequest = z.infer<typeof cancellationRequestSchema>;

/**
 * BullMQ's deferred failure, a field of the job's hash: a worker that takes a job carrying it fails
 * the job with that reason, unrecoverably, without calling the processor (BullMQ sets it itself for a
 * parent whose child failed). Failing the job clears it, so a retry runs again.
 */
const MARK_CANCELLED = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'defa', ARGV[1])
  return 1
end
return 0`;

/** The failure reason of a cancelled job, the same whether its worker aborted it or the next one refused it. */
export function cancelledReason(reason: string): string {
  return `cancelled: ${reason === '' ? 'cancellation requested' : reason}`;
}

/** Writes the cancellation on the job, so no worker runs it again; false when the job no longer exists. */
export async function markCancelled(
  client: RedisOrCluster,
  target: { prefix: string; queue: string },
  request: CancellationRequest,
): Promise<boolean> {
  const jobKey = `${target.prefix}:${target.queue}:${request.jobId}`;
  return (await client.eval(MARK_CANCELLED, 1, jobKey, cancelledReason(request.reason))) === 1;
}

/**
 * Marks the job cancelled, then publishes the cancellation for the worker running it, if one is
 * alive; resolves to the number of worker processes that received it.
 */
export async function requestCancellation(
  client: RedisOrCluster,
  target: { prefix: string; queue: string },
  request: CancellationRequest,
): Promise<number> {
  await markCancelled(client, target, request);
  const channel = cancellationChannel(target.prefix, target.queue);
  const message = JSON.stringify(request);
  return isClusterClient(client) ? Number(await client.spublish(channel, message)) : client.publish(channel, message);
}

/**
 * Subscribes on a dedicated connection (a subscribed client can do nothing else); a cluster client
 * must be created with `shardedSubscribers: true`.
 * Malformed messages are ignored: anyone who can publish on Redis can already do worse.
 */
export async function subscribeToCancellations(
  subscriber: RedisOrCluster,
  target: { prefix: string; queue: string },
  onRequest: (request: CancellationRequest) => void,
): Promise<() => Promise<void>> {
  const channel = cancellationChannel(target.prefix, target.queue);
  const listener = (from: string, message: string) => {
    if (from !== channel) return;
    const parsed = cancellationRequestSchema.safeParse(safeJson(message));
    if (parsed.success) onRequest(parsed.data);
  };
  if (isClusterClient(subscriber)) {
    subscriber.on('smessage', listener);
    await subscriber.ssubscribe(channel);
    return async () => {
      subscriber.off('smessage', listener);
      await subscriber.sunsubscribe(channel).catch(() => undefined);
    };
  }
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
