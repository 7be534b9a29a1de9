import { setTimeout as delay } from 'node:timers/promises';
import { redisLocation, type WorkerEnv } from '@nightshift/config';
import type { JobData, JobResult, QueueName } from '@nightshift/contracts';
import {
  type ContractJob,
  type ContractProcessor,
  type CreateWorkerOptions,
  cancelledReason,
  checkRedisDurability,
  checkRedisEvictionPolicy,
  createRedisClient,
  createWorker,
  flowsApart,
  isClusterClient,
  JobTimeoutError,
  jobTimeoutMs,
  redactRedisUrl,
  subscribeToCancellations,
} from '@nightshift/jobs';
import { checkStorageAtStart, type Storage, StorageUnavailableError } from '@nightshift/storage';
import { startTracing } from '@nightshift/telemetry';
import { DelayedError, type Job, type RedisClient, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { sendAlert, sendFailureAlert } from './alerts.js';
import { failureReason } from './failure-reason.js';
import { type HealthServer, startHealthServer } from './health-server.js';
import { jobFields } from './job-fields.js';
import { WorkerMetrics } from './metrics.js';
import { RateLimitedError } from './rate-limited-error.js';
import { ServiceRefusedError } from './service-refused-error.js';

export interface StartWorkerOptions<Q extends QueueName> {
  queue: Q;
  processor: ContractProcessor<Q>;
  env: WorkerEnv;
  logger: Logger;
  /** Used when `WORKER_CONCURRENCY` is unset: each app knows whether it is I/O- or CPU-bound. */
  defaultConcurrency: number;
  /** Limiter, lock and stall timings; connection, prefix and concurrency come from `env`. */
  workerOptions?: Omit<CreateWorkerOptions, 'connection' | 'redisUrl' | 'prefix' | 'concurrency' | 'autorun'>;
  /**
   * The storage the processor uses, if any: checked before the worker takes a job (a missing
   * bucket stops the start, naming the variable) and closed after it has stopped.
   */
  storage?: Storage;
  /** The app's own resources (SDK clients, pools), closed after the worker has stopped. */
  onClose?: () => Promise<void>;
  /** Given when the app registers metrics of its own on the same registry (served at /metrics with the runtime's). */
  metrics?: WorkerMetrics;
}

export interface RunningWorker<Q extends QueueName> {
  worker: Worker<JobData[Q], JobResult[Q], string>;
  /** On a Redis Cluster, the worker for this queue's flow jobs, which live under the namespace's shared tag (`flowKeyPrefix`). */
  flowWorker: Worker<JobData[Q], JobResult[Q], string> | undefined;
  metrics: WorkerMetrics;
  healthPort: number;
  /** Stops taking jobs, waits for in-flight ones up to `SHUTDOWN_TIMEOUT_MS`, closes everything. Resolves true when nothing was cut short. */
  close(): Promise<boolean>;
}

/** Starts one queue's worker with the behaviour every Nightshift worker shares. */
export async function startWorker<Q extends QueueName>(options: StartWorkerOptions<Q>): Promise<RunningWorker<Q>> {
  const { queue, env, logger } = options;
  if (options.storage) await checkStorageAtStart(options.storage, (message) => logger.warn(message));
  // Undefined without OTEL_EXPORTER_OTLP_ENDPOINT: BullMQ then gets no telemetry and makes no span.
  const tracing = startTracing(env, `nightshift-${String(logger.bindings().app ?? `worker-${queue}`)}`);
  const metrics = options.metrics ?? new WorkerMetrics(queue);
  // One extra connection per process: it checks Redis's configuration, then listens for cancellations.
  const control = createRedisClient('worker', redisLocation(env), { shardedSubscribers: true });
  control.on('error', (error) => logger.warn({ err: error }, 'redis control connection error'));
  await checkRedisEvictionPolicy(control, {
    production: env.NODE_ENV === 'production',
    warn: (message) => logger.warn(message),
  });
  await checkRedisDurability(control, {
    production: env.NODE_ENV === 'production',
    allowWithoutPersistence: env.REDIS_ALLOW_NO_PERSISTENCE,
    warn: (message) => logger.warn(message),
  });
  // A cluster client is given to BullMQ (which duplicates it for its blocking connection); one Redis is reached by URL, as ever.
  const clusterConnection = isClusterClient(control) ? createRedisClient('worker', redisLocation(env)) : undefined;
  clusterConnection?.on('error', (error) => logger.warn({ err: error }, 'redis cluster connection error'));
  const target = clusterConnection ? { connection: clusterConnection } : { redisUrl: env.REDIS_URL };

  // The wrapper reaches its worker lazily: it only runs once `worker.run()` has started.
  const inFlight: InFlightJobs = new Map();
  const startOne = (flowJobs: boolean) => {
    const processor = withRuntimeErrors(options.processor, {
      worker: (): Worker => started,
      inFlight,
      queue,
      env,
      logger,
      metrics,
    });
    const started = createWorker(queue, processor, {
      ...options.workerOptions,
      ...recoveryTimings(env),
      contractSkew: heldBackReporting(env, { logger, metrics }),
      ...target,
      prefix: env.QUEUE_PREFIX,
      flowJobs,
      concurrency: env.WORKER_CONCURRENCY ?? options.defaultConcurrency,
      autorun: false,
      ...(tracing && { telemetry: tracing.bullmq }),
    });
    observe(started, { queue, env, logger, metrics });
    return started;
  };
  const worker = startOne(false);
  // On a cluster, flows (written in one MULTI across queues) live under the shared tag: a second worker takes this queue's part of them.
  const flowWorker = flowsApart(env.QUEUE_PREFIX, queue, clusterConnection) ? startOne(true) : undefined;
  const workers = flowWorker ? [worker, flowWorker] : [worker];

  const stopCancellations = await Promise.all(
    workers.map((one) =>
      subscribeToCancellations(control, { prefix: String(one.opts.prefix), queue }, ({ jobId, reason }) => {
        if (one.cancelJob(jobId, reason)) logger.info({ jobId, queue, reason }, 'cancellation requested');
      }),
    ),
  );

  let closing: Promise<boolean> | undefined;
  const health: HealthServer = await startHealthServer(env.HEALTH_HOST, env.METRICS_PORT, metrics.registry, () => ({
    healthy: closing === undefined && workers.every((one) => one.isRunning()),
    details: { queue, running: workers.every((one) => one.isRunning()), redis: control.status },
  }));

  for (const one of workers)
    void one.run().catch((error: unknown) => logger.error({ err: error }, 'worker stopped unexpectedly'));
  await Promise.all(workers.map((one) => one.waitUntilReady()));
  logger.info(
    {
      queue,
      concurrency: worker.concurrency,
      redis: env.REDIS_CLUSTER_NODES
        ? `cluster ${env.REDIS_CLUSTER_NODES.map(({ host, port }) => `${host}:${port}`).join(',')}`
        : redactRedisUrl(env.REDIS_URL),
      prefix: worker.opts.prefix,
      ...(flowWorker && { flowPrefix: flowWorker.opts.prefix }),
      healthHost: env.HEALTH_HOST,
      healthPort: health.port,
      lockDurationMs: worker.opts.lockDuration,
      stalledIntervalMs: worker.opts.stalledInterval,
      maxStalledCount: worker.opts.maxStalledCount,
    },
    'worker started',
  );

  const close = () => {
    closing ??= (async () => {
      logger.info({ queue, timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutting down: no new jobs, waiting for in-flight ones');
      const graceful = (await Promise.all(workers.map((one) => closeWithin(one, env.SHUTDOWN_TIMEOUT_MS)))).every(Boolean);
      if (!graceful) {
        const handedBack = await handBack(inFlight, logger);
        logger.warn({ queue, handedBack }, 'shutdown timeout reached: jobs still running handed back to wait for another worker');
      }
      const teardown = (async () => {
        await Promise.all(stopCancellations.map((stop) => stop()));
        await control.quit().catch(() => control.disconnect());
        await clusterConnection?.quit().catch(() => clusterConnection.disconnect());
        await options.onClose?.();
        await options.storage?.close();
        await health.close();
        await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'buffered spans not exported'));
      })();
      // Cut short, the process must end now: resources that wait for the abandoned jobs are not waited for.
      if (graceful) await teardown;
      else await Promise.race([teardown.catch(() => undefined), delay(TEARDOWN_AFTER_TIMEOUT_MS)]);
      logger.info({ queue, graceful }, 'worker stopped');
      return graceful;
    })();
    return closing;
  };

  return { worker, flowWorker, metrics, healthPort: health.port, close };
}

/**
 * For an app's `main.ts`: starts the worker and turns SIGTERM/SIGINT into a graceful shutdown.
 * Exits 0 when every in-flight job finished in time, 1 otherwise.
 */
export async function runWorkerMain<Q extends QueueName>(options: StartWorkerOptions<Q>): Promise<RunningWorker<Q>> {
  const { logger } = options;
  const running = await startWorker(options).catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker failed to start');
    process.exit(1);
  });
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'signal received');
    running.close().then(
      (graceful) => process.exit(graceful ? 0 : 1),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return running;
}

/** How long a job waits for storage that did not answer when its own options give no backoff delay. */
const STORAGE_WAIT_MS = 2_000;
/** Never sooner: a backoff of 0 would turn an outage into a busy loop. */
const MIN_STORAGE_WAIT_MS = 100;
/** The shortest wait a "not now" buys: `Retry-After: 0` (or a date in the past) must not become a busy loop. */
const MIN_RATE_LIMIT_WAIT_MS = 1_000;
/** After a cut-short shutdown, how long closing connections and the app's resources may take before the process goes anyway. */
const TEARDOWN_AFTER_TIMEOUT_MS = 500;
/** Where a job records, in its own hash, when it was first rate limited: it goes when the job goes. */
const RATE_LIMITED_SINCE_FIELD = 'nsRateLimitedSince';

/** The jobs this process is running, with the lock token each holds: what a cut-short shutdown hands back. */
type InFlightJobs = Map<Job, string | undefined>;

interface RuntimeContext<Q extends QueueName> {
  worker: () => Worker;
  inFlight: InFlightJobs;
  queue: Q;
  env: WorkerEnv;
  logger: Logger;
  metrics: WorkerMetrics;
}

/**
 * Turns what a processor throws into what BullMQ should do with the job:
 * - after its signal fired (cancelled): fail it for good, never retry;
 * - `RateLimitedError`: wait as asked (at least a second) without spending an attempt. Waits up to
 *   `WORKER_RATE_LIMIT_MAX_PAUSE_MS` pause the queue and put the job back; a longer one pauses the
 *   queue that long and delays only this job. A job rate limited for longer than
 *   `WORKER_RATE_LIMIT_WINDOW_MS` fails, saying so. Every worker of the queue honours the pause when
 *   it has a `limiter`; without one only this worker waits.
 * - `ServiceRefusedError`: the provider refuses the account, not the job: pause the queue for
 *   `WORKER_REFUSED_PAUSE_MS`, keep the job without spending an attempt, and alert.
 * - `StorageUnavailableError`: delay the job by its backoff delay without spending an attempt, so an
 *   outage of the object store, however long, ends with the job done rather than failed for good.
 */
function withRuntimeErrors<Q extends QueueName>(
  processor: ContractProcessor<Q>,
  context: RuntimeContext<Q>,
): ContractProcessor<Q> {
  let lastRefusedAlertAt = Number.NEGATIVE_INFINITY;
  const onError = async (
    job: ContractJob<Q>,
    token: string | undefined,
    error: unknown,
    signal: AbortSignal | undefined,
  ): Promise<never> => {
    if (signal?.aborted) throw new UnrecoverableError(cancelledReason(String(signal.reason ?? '')));
    if (error instanceof StorageUnavailableError) {
      const backoff = job.opts.backoff;
      const waitMs = Math.max(MIN_STORAGE_WAIT_MS, (typeof backoff === 'number' ? backoff : backoff?.delay) ?? STORAGE_WAIT_MS);
      context.logger.warn(
        { ...jobFields(job), waitMs, reason: error.message },
        'storage unavailable: job delayed, attempt not spent',
      );
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    }
    if (error instanceof ServiceRefusedError) {
      const pauseMs = context.env.WORKER_REFUSED_PAUSE_MS;
      context.logger.error(
        { ...jobFields(job), pauseMs, reason: error.message, event: 'service refused' },
        'the provider refuses the account: queue paused, job kept, attempt not spent',
      );
      const now = Date.now();
      // One alert per pause from each process, not one per job that ran into it.
      if (context.env.ALERT_WEBHOOK_URL && now - lastRefusedAlertAt >= pauseMs) {
        lastRefusedAlertAt = now;
        void sendAlert(
          context.env.ALERT_WEBHOOK_URL,
          'queue.service_refused',
          { queue: context.queue, jobId: String(job.id), pauseMs, reason: error.message },
          context.logger,
        );
      }
      await context.worker().rateLimit(pauseMs);
      throw Worker.RateLimitError();
    }
    if (!(error instanceof RateLimitedError)) throw error;
    return rateLimited(job, token, error, context);
  };
  const run = async (job: ContractJob<Q>, token: string | undefined, signal: AbortSignal | undefined, wantsSignal: boolean) => {
    context.inFlight.set(job, token);
    const timeoutMs = jobTimeoutMs(job) ?? context.env.JOB_TIMEOUT_MS;
    const timeout = timeoutMs === undefined ? undefined : startTimeout(timeoutMs);
    try {
      // The processor's signal fires on a cancellation or at the timeout, whichever comes first.
      const combined = timeout && signal ? AbortSignal.any([signal, timeout.signal]) : (timeout?.signal ?? signal);
      const work = processor(job, token, wantsSignal ? combined : undefined);
      return await (timeout ? Promise.race([work, timeout.expired]) : work);
    } catch (error) {
      // Past its timeout the attempt fails as TIMEOUT, whatever the processor threw on the abort.
      if (timeout?.signal.aborted) throw timeout.signal.reason;
      return await onError(job, token, error, signal);
    } finally {
      timeout?.clear();
      context.inFlight.delete(job);
    }
  };
  // Same arity as the app's processor: BullMQ builds an AbortController per job only for one that declares a signal.
  if (processor.length < 3) return (job, token) => run(job, token, undefined, false);
  return (job, token, signal) => run(job, token, signal, true);
}

/**
 * A job's time limit: its signal aborts with a `JobTimeoutError` at the deadline, and `expired`
 * rejects with it then, so the attempt ends even when the work cannot be interrupted.
 */
function startTimeout(timeoutMs: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new JobTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  // Nobody may be listening when the work wins the race.
  expired.catch(() => undefined);
  return { signal: controller.signal, expired, clear: () => clearTimeout(timer) };
}

/** The `RateLimitedError` path of `withRuntimeErrors`: bounded pause, long waits per job, a window after which the job fails. */
async function rateLimited<Q extends QueueName>(
  job: ContractJob<Q>,
  token: string | undefined,
  error: RateLimitedError,
  { worker, queue, env, logger, metrics }: RuntimeContext<Q>,
): Promise<never> {
  const waitMs = Math.max(MIN_RATE_LIMIT_WAIT_MS, Math.ceil(error.retryAfterMs));
  const now = Date.now();
  const since = await rateLimitedSince(job, await worker().getBackend().client, now);
  if (now + waitMs - since > env.WORKER_RATE_LIMIT_WINDOW_MS) {
    // A person who retries the failed job gives it a new window.
    await (await worker().getBackend().client).hdel(`${job.queueQualifiedName}:${job.id}`, RATE_LIMITED_SINCE_FIELD);
    throw new UnrecoverableError(
      `rate limited for longer than WORKER_RATE_LIMIT_WINDOW_MS (${env.WORKER_RATE_LIMIT_WINDOW_MS} ms): ` +
        `first at ${new Date(since).toISOString()}, told to wait ${waitMs} ms more; last answer: ${error.message}`,
    );
  }
  metrics.rateLimited.inc({ queue, name: metrics.nameLabel(job.name) });
  metrics.rateLimitWait.inc({ queue }, waitMs / 1_000);
  const pauseMs = Math.min(waitMs, env.WORKER_RATE_LIMIT_MAX_PAUSE_MS);
  // Deprecated in favour of `queue.rateLimit`, which writes the same key: the worker saves a Queue connection.
  await worker().rateLimit(pauseMs);
  if (waitMs > pauseMs) {
    logger.warn({ ...jobFields(job), waitMs, pauseMs, reason: error.message }, 'rate limited: job delayed, attempt not spent');
    await job.moveToDelayed(now + waitMs, token);
    throw new DelayedError();
  }
  logger.warn({ ...jobFields(job), waitMs, reason: error.message }, 'rate limited: job back to wait, attempt not spent');
  throw Worker.RateLimitError();
}

/**
 * When the job was first rate limited: recorded in its own hash the first time, read every later
 * time. Only the worker holding the job's lock writes it, so read-then-write does not race.
 */
async function rateLimitedSince(job: Job, client: RedisClient, now: number): Promise<number> {
  const key = `${job.queueQualifiedName}:${job.id}`;
  const recorded = Number(await client.hget(key, RATE_LIMITED_SINCE_FIELD));
  if (Number.isFinite(recorded) && recorded > 0) return recorded;
  await client.hset(key, { [RATE_LIMITED_SINCE_FIELD]: now });
  return now;
}

/** Jobs of a newer contract version than this worker's go back to wait within `CONTRACT_SKEW_WINDOW_MS`: each hold is logged and counted. */
function heldBackReporting(
  env: WorkerEnv,
  { logger, metrics }: { logger: Logger; metrics: WorkerMetrics },
): CreateWorkerOptions['contractSkew'] {
  return {
    windowMs: env.CONTRACT_SKEW_WINDOW_MS,
    onHeldBack: (job, { recordedVersion, workerVersion, retryAt, deadline }) => {
      metrics.heldBack.inc({ queue: job.queueName, name: metrics.nameLabel(job.name), version: String(recordedVersion) });
      logger.warn(
        {
          ...jobFields(job),
          recordedVersion,
          workerVersion,
          retryAt: new Date(retryAt).toISOString(),
          failsAfter: new Date(deadline).toISOString(),
        },
        'job of a newer contract version held back: attempt not spent',
      );
    },
  };
}

/** The operator's `WORKER_*` lock and stall settings, where set; they override the app's own. */
function recoveryTimings(env: WorkerEnv): Pick<CreateWorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  const timings = {
    lockDuration: env.WORKER_LOCK_DURATION_MS,
    stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
  };
  return Object.fromEntries(Object.entries(timings).filter(([, value]) => value !== undefined));
}

/**
 * Resolves true once every job in flight has finished, or false at the timeout. BullMQ's `close(true)`
 * after a graceful close has begun returns that same close, which waits for every job: so nothing is
 * forced here; the caller hands the jobs back and moves on.
 */
async function closeWithin(worker: Worker, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const graceful = await Promise.race([worker.close().then(() => true as const), timedOut]);
  clearTimeout(timer);
  return graceful;
}

/**
 * Moves each job still running back to wait, releasing its lock, so another worker takes it at once
 * instead of after its lock expires and a stalled check finds it. No attempt is spent. What this
 * process's copy of the job does afterwards cannot complete it: the lock is no longer its own.
 */
async function handBack(inFlight: InFlightJobs, logger: Logger): Promise<string[]> {
  const handedBack: string[] = [];
  for (const [job, token] of inFlight) {
    try {
      await job.moveToWait(token);
      handedBack.push(String(job.id));
    } catch (error) {
      // Its lock will expire and the stalled check bring it back: slower, still never lost.
      logger.warn({ ...jobFields(job), err: error }, 'could not hand the job back: it will be recovered as stalled');
    }
  }
  inFlight.clear();
  return handedBack;
}

function isPermanentFailure(job: Job, error: Error): boolean {
  return (
    error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

type JobLabels = { queue: string; name: string };
type DurationLabels = JobLabels & { status: 'completed' | 'failed' };

function observe(
  worker: Worker,
  { queue, env, logger, metrics }: { queue: string; env: WorkerEnv; logger: Logger; metrics: WorkerMetrics },
) {
  const seconds = (job: Job) => ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1_000;

  // Label objects per job name, built once: no spread per job, and prom-client sees the same shapes.
  const labelSets = new Map<string, { job: JobLabels; completed: DurationLabels; failed: DurationLabels }>();
  const labelsOf = (jobName: string) => {
    const name = metrics.nameLabel(jobName);
    let sets = labelSets.get(name);
    if (!sets) {
      sets = { job: { queue, name }, completed: { queue, name, status: 'completed' }, failed: { queue, name, status: 'failed' } };
      labelSets.set(name, sets);
    }
    return sets;
  };

  worker.on('active', (job) => {
    // The first attempt only: a retry's wait is its backoff, which the job asked for.
    if (job.attemptsStarted <= 1) {
      const runnableSince = job.timestamp + (job.opts.delay ?? 0);
      metrics.wait.observe(labelsOf(job.name).job, Math.max(0, (job.processedOn ?? Date.now()) - runnableSince) / 1_000);
    }
    // Checked per job, not at start: the level can be changed at run time.
    if (logger.isLevelEnabled('debug')) logger.debug(jobFields(job), 'job started');
  });
  worker.on('completed', (job) => {
    const labels = labelsOf(job.name);
    const took = seconds(job);
    metrics.completed.inc(labels.job);
    metrics.duration.observe(labels.completed, took);
    // At debug, beside 'job started': at info this line was the runtime's largest cost per job, and
    // the metrics above already count and time every completion. Failures keep their lines.
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ ...jobFields(job, 'finished'), durationMs: Math.round(took * 1_000) }, 'job completed');
    }
  });
  worker.on('failed', (job, error) => {
    if (!job) {
      logger.error({ err: error, queue }, 'job failed before it could be read');
      return;
    }
    const labels = labelsOf(job.name);
    const reason = failureReason(error);
    const fields = { ...jobFields(job, 'finished'), reason: error.message };
    metrics.failed.inc({ ...labels.job, reason });
    metrics.duration.observe(labels.failed, seconds(job));
    if (!isPermanentFailure(job, error)) {
      metrics.retried.inc(labels.job);
      logger.warn(fields, 'job failed, will retry');
      return;
    }
    metrics.permanentlyFailed.inc({ ...labels.job, reason });
    logger.error({ ...fields, event: 'permanently failed' }, 'job permanently failed');
    if (env.ALERT_WEBHOOK_URL) {
      void sendFailureAlert(
        env.ALERT_WEBHOOK_URL,
        { queue, jobId: String(job.id), name: job.name, attemptsMade: job.attemptsMade, failedReason: error.message },
        logger,
      );
    }
  });
  worker.on('stalled', (jobId) => logger.warn({ jobId, queue }, 'job stalled: its worker stopped renewing the lock'));
  worker.on('error', (error) => logger.error({ err: error, queue }, 'worker error'));
}
