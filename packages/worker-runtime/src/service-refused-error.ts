/**
 * Thrown by a processor when the service it calls refuses this worker's account rather than the job
 * (a revoked or wrong API key, an unverified sender domain). Every job would fail the same way until
 * an operator fixes the configuration, so the runtime keeps them: it pauses the queue for
 * `WORKER_REFUSED_PAUSE_MS`, puts the job back without spending an attempt and alerts.
 */
export class ServiceRefusedError extends Error {
  readonly code = 'SERVICE_REFUSED';
  override readonly name = 'ServiceRefusedError';
}
