import { createHash } from 'node:crypto';
import type { Job, Queue } from 'bullmq';

/** Failed jobs read from Redis per round trip while grouping. */
const SCAN_BATCH = 500;
/** Jobs retried or removed at once: bounded, so one group of a million jobs never becomes one huge burst on Redis. */
export const FAILURE_GROUP_BATCH = 100;
const SAMPLE_JOB_IDS = 5;

/** What a group of failed jobs shares: its cause, with what varies from job to job taken out. */
export interface FailureCause {
  /** The error's class (`Error`, `UnrecoverableError`, `EmailDeliveryError`), from the first line of its stack. */
  errorClass: string;
  /** The message with URLs, email addresses, ids and numbers replaced by `<url>`, `<email>`, `<id>` and `<n>`. */
  message: string;
  /** The first stack frame outside node_modules and Node itself, without line and column: `render (apps/worker-pdf/dist/processor.js)`. */
  frame: string | null;
}

export interface FailureGroup extends FailureCause {
  /** 16 hex digits of a SHA-256 of the cause: the same cause gives the same fingerprint in every process and release. */
  fingerprint: string;
  count: number;
  /** When the first and last jobs of the group failed (ms since the epoch). */
  firstSeen: number;
  lastSeen: number;
  /** The unnormalised message of the group's most recent failure. */
  sampleMessage: string;
  /** The most recent failures' job ids. */
  sampleJobIds: string[];
}

export interface FailureGroupPage {
  groups: FailureGroup[];
  /** Groups, and failed jobs, in the queue right now. */
  totalGroups: number;
  totalFailed: number;
  /** Pass as `offset` for the next page; null on the last. */
  nextOffset: number | null;
}

const normalisers: [RegExp, string][] = [
  [/\bhttps?:\/\/[^\s"'<>)]+/gi, '<url>'],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  // Hex and mixed ids (Resend message ids, hashes) of 8 or more characters with at least one digit.
  [/\b(?=[\w-]*\d)[\w-]{8,}\b/g, '<id>'],
  [/\d+/g, '<n>'],
];

/** The message with what differs between two failures of one cause replaced by placeholders. */
export function normaliseFailureMessage(message: string): string {
  return normalisers.reduce((text, [pattern, placeholder]) => text.replace(pattern, placeholder), message.trim());
}

/** Class and first frame of our code from a stack as V8 writes it; the message comes from `failedReason`. */
export function failureCause(failedReason: string, stack: string | undefined): FailureCause {
  const lines = (stack ?? '').split('\n');
  const errorClass = /^([A-Za-z_$][\w$]*)(?: \[[\w-]+\])?:/.exec(lines[0] ?? '')?.[1] ?? 'Error';
  let frame: string | null = null;
  for (const line of lines.slice(1)) {
    const at = /^\s*at (?:(.+?) \((.+)\)|(.+))$/.exec(line);
    if (!at) continue;
    const location = at[2] ?? at[3] ?? '';
    if (location.includes('node_modules') || location.startsWith('node:') || location === 'native') continue;
    const file = location.replace(/^file:\/\//, '').replace(/(:\d+){1,2}$/, '');
    const ours = /(?:^|\/)((?:apps|packages)\/.+)$/.exec(file)?.[1] ?? file.split('/').at(-1) ?? file;
    frame = `${at[1] ?? '<anonymous>'} (${ours})`;
    break;
  }
  return { errorClass, message: normaliseFailureMessage(failedReason), frame };
}

export function failureFingerprint(cause: FailureCause): string {
  return createHash('sha256')
    .update(`${cause.errorClass}\n${cause.message}\n${cause.frame ?? ''}`)
    .digest('hex')
    .slice(0, 16);
}

function causeOf(job: Job): FailureCause {
  return failureCause(job.failedReason ?? '', job.stacktrace?.at(-1));
}

/** Every failed job of the queue, read in batches, oldest failure first. */
async function* failedJobs(queue: Queue): AsyncGenerator<Job[]> {
  for (let start = 0; ; start += SCAN_BATCH) {
    const jobs = (await queue.getFailed(start, start + SCAN_BATCH - 1)).filter(Boolean);
    if (jobs.length > 0) yield jobs;
    if (jobs.length < SCAN_BATCH) return;
  }
}

/**
 * The queue's failed jobs grouped by the fingerprint of their cause, largest group first (then the
 * most recent), paged. Each call reads every failed job the queue keeps (`removeOnFail` bounds them).
 */
export async function listFailureGroups(queue: Queue, page: { offset: number; limit: number }): Promise<FailureGroupPage> {
  const groups = new Map<string, FailureGroup>();
  let totalFailed = 0;
  for await (const jobs of failedJobs(queue)) {
    for (const job of jobs) {
      totalFailed += 1;
      const cause = causeOf(job);
      const fingerprint = failureFingerprint(cause);
      const failedAt = job.finishedOn ?? job.timestamp;
      let group = groups.get(fingerprint);
      if (!group) {
        group = { fingerprint, ...cause, count: 0, firstSeen: failedAt, lastSeen: failedAt, sampleMessage: '', sampleJobIds: [] };
        groups.set(fingerprint, group);
      }
      group.count += 1;
      group.firstSeen = Math.min(group.firstSeen, failedAt);
      if (failedAt >= group.lastSeen || group.sampleMessage === '') {
        group.lastSeen = Math.max(group.lastSeen, failedAt);
        group.sampleMessage = job.failedReason ?? '';
      }
      group.sampleJobIds.unshift(String(job.id));
      if (group.sampleJobIds.length > SAMPLE_JOB_IDS) group.sampleJobIds.pop();
    }
  }
  const sorted = [...groups.values()].sort(
    (a, b) => b.count - a.count || b.lastSeen - a.lastSeen || a.fingerprint.localeCompare(b.fingerprint),
  );
  const end = page.offset + page.limit;
  return {
    groups: sorted.slice(page.offset, end),
    totalGroups: sorted.length,
    totalFailed,
    nextOffset: end < sorted.length ? end : null,
  };
}

async function eachInGroup(queue: Queue, fingerprint: string, act: (job: Job) => Promise<boolean>): Promise<number> {
  const members: Job[] = [];
  for await (const jobs of failedJobs(queue)) {
    for (const job of jobs) if (failureFingerprint(causeOf(job)) === fingerprint) members.push(job);
  }
  let done = 0;
  for (let start = 0; start < members.length; start += FAILURE_GROUP_BATCH) {
    const outcomes = await Promise.all(members.slice(start, start + FAILURE_GROUP_BATCH).map(act));
    done += outcomes.filter(Boolean).length;
  }
  return done;
}

/**
 * Moves every failed job of the group back to waiting, in batches. BullMQ moves a job only while it
 * is still failed, so a repeated or concurrent call moves no job twice. Resolves how many it moved.
 */
export function retryFailureGroup(queue: Queue, fingerprint: string): Promise<number> {
  return eachInGroup(queue, fingerprint, (job) =>
    job.retry('failed').then(
      () => true,
      // No longer failed: another call retried or removed it first.
      () => false,
    ),
  );
}

/** Removes every failed job of the group, in batches. Resolves how many it removed. */
export function removeFailureGroup(queue: Queue, fingerprint: string): Promise<number> {
  return eachInGroup(queue, fingerprint, async (job) => {
    // Removing a job that was retried meanwhile would drop work: only failed ones go.
    if ((await job.getState()) !== 'failed') return false;
    return job.remove().then(
      () => true,
      () => false,
    );
  });
}
