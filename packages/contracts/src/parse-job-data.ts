import { InvalidJobDataError, toJobDataIssues } from './invalid-job-data-error.js';
import { type JobData, jobContracts, type QueueName } from './job-contracts.js';

/** Checks a payload against its queue's contract; returns the parsed value or throws `InvalidJobDataError`. */
export function parseJobData<Q extends QueueName>(queue: Q, data: unknown): JobData[Q] {
  const result = jobContracts[queue].data.safeParse(data);
  if (!result.success) throw new InvalidJobDataError(queue, toJobDataIssues(result.error));
  return result.data as JobData[Q];
}
