import type { QueueName } from '@nightshift/contracts';
import { createQueue } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import type { Job, Worker } from 'bullmq';

/** One queue per test on the shared Redis, under a prefix of its own, removed afterwards. */
export function isolatedTarget() {
  return { prefix: uniquePrefix('jobs'), redisUrl: SHARED_REDIS_URL };
}

export async function obliterate(target: { prefix: string; redisUrl: string }, ...queues: QueueName[]) {
  for (const name of queues) {
    const queue = createQueue(name, target);
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/** Resolves with the first `count` jobs that reach `event` on the worker. */
export function collect(worker: Worker, event: 'completed' | 'failed', count: number): Promise<Job[]> {
  return new Promise((resolve) => {
    const seen: Job[] = [];
    const listener = (job: Job | undefined) => {
      if (!job) return;
      seen.push(job);
      if (seen.length === count) {
        worker.off(event, listener);
        resolve(seen);
      }
    };
    worker.on(event, listener);
  });
}
