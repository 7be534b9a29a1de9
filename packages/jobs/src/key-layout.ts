import { isClusterClient } from './connection.js';

/**
 * Where a queue's keys live, the one rule every app, the dashboard and the bench share.
 *
 * On a single Redis every key stays under the namespace (`QUEUE_PREFIX`, `{nightshift}` by default),
 * as it always has. On a cluster each queue gets a hash tag of its own derived from the namespace
 * (`{nightshift:email}`): BullMQ's scripts need all of one queue's keys in one slot, and different
 * tags let different queues land on different masters. Flows keep the namespace's shared tag
 * (`flowKeyPrefix`): BullMQ writes a flow's parent and children in one MULTI, which a cluster
 * accepts only within one slot.
 */
export function queueKeyPrefix(namespace: string, queue: string, { cluster }: { cluster: boolean }): string {
  if (!cluster) return namespace;
  return `{${hashTagOf(namespace)}:${queue}}`;
}

/** Where flows (jobs added by a flow producer, parents and children) live: the namespace itself. */
export function flowKeyPrefix(namespace: string): string {
  return namespace;
}

/** The key prefix of one queue for a connection: per-queue tags when it is a cluster client. */
export function queueKeyPrefixFor(namespace: string, queue: string, connection: unknown): string {
  return queueKeyPrefix(namespace, queue, { cluster: isClusterClient(connection) });
}

/** Whether flows have a keyspace apart from the queues' (on a cluster), so workers must consume both. */
export function flowsApart(namespace: string, queue: string, connection: unknown): boolean {
  return queueKeyPrefixFor(namespace, queue, connection) !== flowKeyPrefix(namespace);
}

export class NamespaceNotHashTagError extends Error {
  readonly code = 'NAMESPACE_NOT_HASH_TAG';
  override readonly name = 'NamespaceNotHashTagError';

  constructor(readonly namespace: string) {
    super(
      `QUEUE_PREFIX "${namespace}" is not a hash tag: on a Redis Cluster it must be wrapped in braces, e.g. {nightshift}, ` +
        'so that a flow (parent and children written together) stays in one slot',
    );
  }
}

function hashTagOf(namespace: string): string {
  const tag = /^\{([^{}]+)\}$/.exec(namespace)?.[1];
  if (tag === undefined) throw new NamespaceNotHashTagError(namespace);
  return tag;
}
