import { isQueueName } from '@nightshift/contracts';
import { recordedContractVersion } from '@nightshift/jobs';
import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { Queues } from '../plugins/queues.js';
import type { jobViewSchema } from '../schemas/jobs.js';

export type JobView = z.infer<typeof jobViewSchema>;

const iso = (millis: number | undefined) => (millis ? new Date(millis).toISOString() : null);

function contractVersionOf(job: Job): number | null {
  const recorded = recordedContractVersion(job);
  return typeof recorded === 'number' ? recorded : null;
}

/** The public shape of a job. `state` is read from Redis unless the caller already knows it. */
export async function toJobView(job: Job, state?: string): Promise<JobView> {
  return {
    id: String(job.id),
    name: job.name,
    queue: job.queueName,
    state: state ?? (await job.getState()),
    progress: job.progress,
    attemptsMade: job.attemptsMade,
    data: job.data,
    contractVersion: contractVersionOf(job),
    returnValue: job.returnvalue ?? null,
    failedReason: job.failedReason || null,
    createdAt: new Date(job.timestamp).toISOString(),
    processedAt: iso(job.processedOn),
    finishedAt: iso(job.finishedOn),
  };
}

/**
 * BullMQ fails a parent with `child <prefix>:<queue>:<id> failed` and keeps the reason on the
 * child only; this finds that child so the parent's view can show why the chain stopped.
 */
export async function findFailedChild(
  failedReason: string | null,
  queues: Queues,
  prefix: string,
): Promise<JobView['failedChild']> {
  const key = /^child (.+) failed$/.exec(failedReason ?? '')?.[1];
  if (!key?.startsWith(`${prefix}:`)) return null;
  const rest = key.slice(prefix.length + 1);
  // Queue names hold no ":", job ids may (scheduler runs are `repeat:<id>:<time>`).
  const separator = rest.indexOf(':');
  const [queue, id] = [rest.slice(0, separator), rest.slice(separator + 1)];
  if (!isQueueName(queue)) return null;
  const child = await queues[queue].getJob(id);
  return { queue, id, failedReason: child?.failedReason || null };
}
