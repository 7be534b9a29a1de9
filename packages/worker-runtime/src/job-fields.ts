import type { Job } from 'bullmq';

/** The fields every log line about a job carries. `attempt` counts from 1. */
export function jobFields(job: Pick<Job, 'id' | 'queueName' | 'name' | 'attemptsStarted' | 'attemptsMade'>) {
  return {
    jobId: job.id,
    queue: job.queueName,
    jobName: job.name,
    attempt: Math.max(job.attemptsStarted, job.attemptsMade + 1),
  };
}
