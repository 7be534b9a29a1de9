import type { RedisOrCluster } from '@nightshift/jobs';

// ioredis and BullMQ report an unreachable Redis with these messages, not with a class.
const REDIS_UNAVAILABLE =
  /Stream isn't writeable|Connection is closed|Command timed out|max retries per request|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|LOADING|CLUSTERDOWN|Cluster isn't ready|Failed to refresh slots cache|None of startup nodes is available/i;

/** Redis did not answer, or could not be reached: a command may or may not have run. */
export function isRedisUnavailable(error: Error, client: RedisOrCluster | undefined): boolean {
  if ('statusCode' in error && typeof error.statusCode === 'number') return false;
  return REDIS_UNAVAILABLE.test(error.message) || (client !== undefined && client.status !== 'ready');
}

/** Redis answered the command with an error (ioredis's ReplyError, a class it does not type). */
export function isRedisReply(error: Error): boolean {
  return error.name === 'ReplyError';
}

/** Redis refused a write at `maxmemory` under `noeviction`: "OOM command not allowed when used memory > 'maxmemory'". */
export function isRedisFull(error: Error): boolean {
  return isRedisReply(error) && error.message.startsWith('OOM ');
}

/**
 * Whether a failed command's outcome is known: Redis answered it (it ran, or was refused, and is
 * over), or it was never written (ioredis refuses commands while disconnected). A timed-out
 * command or a connection lost mid-command may still run, or have run.
 */
export function commandOutcomeKnown(error: Error): boolean {
  return isRedisReply(error) || /Stream isn't writeable/.test(error.message);
}
