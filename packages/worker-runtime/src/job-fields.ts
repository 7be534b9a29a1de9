import type { Job } from 'bullmq';

type JobLike = Pick<Job, 'id' | 'queueName' | 'name' | 'attemptsStarted' | 'attemptsMade'>;

/**
 * The fields every log line about a job carries. `attempt` counts from 1. While a job runs, the
 * attempt under way is not yet in `attemptsMade`; once it has completed or failed, BullMQ has
 * already counted it there, so the same job logs the same attempt when it starts and when it ends.
 */
export function jobFields(job: JobLike, state: 'running' | 'finished' = 'running') {
  return {
    jobId: job.id,
    queue: job.queueName,
    jobName: job.name,
    attempt: state === 'finished' ? job.attemptsMade : Math.max(job.attemptsStarted, job.attemptsMade + 1),
  };
}
