import type { Logger } from 'pino';

export interface PermanentFailure {
  queue: string;
  jobId: string;
  name: string;
  attemptsMade: number;
  failedReason: string;
}

/**
 * One JSON POST to `ALERT_WEBHOOK_URL`: `{ event, at, ...fields }`. Delivery is best effort: a slow
 * or broken alert hook must never hold up the worker, so it is bounded and its errors only logged.
 */
export async function sendAlert(url: string, event: string, fields: Record<string, unknown>, logger: Logger): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event, at: new Date().toISOString(), ...fields }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) logger.warn({ status: response.status, event }, 'alert webhook answered an error');
  } catch (error) {
    logger.warn({ err: error, event }, 'alert webhook unreachable');
  }
}

/** The alert for a job that failed for good. */
export function sendFailureAlert(url: string, failure: PermanentFailure, logger: Logger): Promise<void> {
  return sendAlert(url, 'job.permanently_failed', { ...failure }, logger);
}
