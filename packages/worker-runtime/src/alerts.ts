import type { Logger } from 'pino';

export interface PermanentFailure {
  queue: string;
  jobId: string;
  name: string;
  attemptsMade: number;
  failedReason: string;
}

/**
 * One JSON POST per permanently failed job. Delivery is best effort: a slow or broken
 * webhook must never hold up the worker, so it is bounded and its errors only logged.
 */
export async function sendFailureAlert(url: string, failure: PermanentFailure, logger: Logger): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ event: 'job.permanently_failed', at: new Date().toISOString(), ...failure }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) logger.warn({ status: response.status, jobId: failure.jobId }, 'alert webhook answered an error');
  } catch (error) {
    logger.warn({ err: error, jobId: failure.jobId }, 'alert webhook unreachable');
  }
}
