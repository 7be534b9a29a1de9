const DEFAULT_WAIT_MS = 1_000;
/** A broken or hostile header must not park the queue for days. */
const MAX_WAIT_MS = 24 * 60 * 60 * 1_000;

/** `Retry-After` as seconds or as an HTTP date, in milliseconds from `now`; 1 s when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number {
  if (header === undefined || header.trim() === '') return DEFAULT_WAIT_MS;
  const value = header.trim();
  const ms = /^\d+(?:\.\d+)?$/.test(value) ? Number(value) * 1_000 : Date.parse(value) - now;
  if (Number.isNaN(ms)) return DEFAULT_WAIT_MS;
  return Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(ms)));
}
