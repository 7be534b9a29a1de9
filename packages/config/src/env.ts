import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import {
  type ClusterNode,
  clusterNodesSchema,
  DEFAULT_CONTRACT_SKEW_WINDOW_MS,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_REDIS_URL,
  jobTimeoutSchema,
  queuePrefixSchema,
  type RedisLocation,
  redisUrlSchema,
} from '@nightshift/jobs';
import { parseStorageUrl, type StorageLocation } from '@nightshift/storage';
import { z } from 'zod';

/** Reads "true"/"false"/"1"/"0" the way people write them in .env files. */
export const booleanFromEnv = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const portFromEnv = z.coerce.number().int().min(0).max(65_535);

/** The environment every process that talks to Redis reads, passed to `createQueue`, `createWorker` and `createFlowProducer`. */
const redisEnvShape = {
  REDIS_URL: redisUrlSchema.default(DEFAULT_REDIS_URL),
  QUEUE_PREFIX: queuePrefixSchema.default(DEFAULT_QUEUE_PREFIX),
  /**
   * `host:port,host:port`: seed nodes of a Redis Cluster. Set, every connection is a cluster client and
   * REDIS_URL gives only the credentials and TLS; QUEUE_PREFIX must then be a hash tag (`{nightshift}`).
   */
  REDIS_CLUSTER_NODES: clusterNodesSchema.optional(),
};

/** Where an app's parsed environment says Redis is, for `createRedisClient`: one server, or a cluster's seed nodes. */
export function redisLocation(env: { REDIS_URL: string; REDIS_CLUSTER_NODES?: ClusterNode[] | undefined }): RedisLocation {
  return { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES };
}

/** Where files live when neither STORAGE_URL nor STORAGE_DIR says: a folder this machine's processes share. */
const DEFAULT_STORAGE_DIR = resolve(tmpdir(), 'nightshift', 'storage');

/** `file:///path` or `s3://bucket/prefix?...`, read into the location `createStorage` opens. */
const storageUrlSchema = z.string().transform((url, context): StorageLocation => {
  try {
    return parseStorageUrl(url);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/**
 * The files the API and the workers exchange. `STORAGE_URL` chooses the backend; `STORAGE_DIR`,
 * the older spelling of a `file://` URL, is read only without it. S3 credentials are not read
 * here: the AWS SDK takes them from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` or its default chain itself.
 */
const storageEnvShape = {
  STORAGE_URL: storageUrlSchema.optional(),
  /** A relative path is taken from the working directory. */
  STORAGE_DIR: z
    .string()
    .min(1)
    .transform((dir) => resolve(dir))
    .optional(),
};

/** The storage an app's parsed environment names: STORAGE_URL, else STORAGE_DIR, else the default folder. */
export function storageLocation(env: { STORAGE_URL?: StorageLocation; STORAGE_DIR?: string }): StorageLocation {
  return env.STORAGE_URL ?? { kind: 'file', root: env.STORAGE_DIR ?? DEFAULT_STORAGE_DIR };
}

/**
 * OpenTelemetry's standard variables, the subset Nightshift honours. No endpoint, no tracing: the
 * apps then start no SDK and give BullMQ no telemetry, so tracing costs nothing unless asked for.
 */
const telemetryEnvShape = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/protobuf', 'http/json'], { error: 'must be http/protobuf or http/json (gRPC is not supported)' })
    .default('http/protobuf'),
  /** Unset: each app's own name (`nightshift-api`, `nightshift-worker-email`, ...). */
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** `key=value,key=value`, added to every span's resource. */
  OTEL_RESOURCE_ATTRIBUTES: z
    .string()
    .regex(/^\s*([^=,\s]+=[^,]*)(,\s*[^=,\s]+=[^,]*)*\s*$/, 'must be key=value pairs separated by commas')
    .optional(),
};

/** What every app reads: where Redis is, how keys are namespaced, where files live, how loudly to log, where traces go. */
export const commonEnvShape = {
  ...redisEnvShape,
  ...storageEnvShape,
  ...telemetryEnvShape,
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Production refuses a Redis without AOF or RDB, or whose persistence cannot be read, unless this says the risk is known. */
  REDIS_ALLOW_NO_PERSISTENCE: booleanFromEnv.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** What every worker reads on top of the common settings. */
export const workerEnvShape = {
  ...commonEnvShape,
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).optional(),
  /** 0 picks a free port (tests); production sets a fixed one for the scraper. */
  METRICS_PORT: portFromEnv.default(9_100),
  /** The address /healthz and /metrics bind: 0.0.0.0 in a container, loopback by default so a host does not expose them. */
  HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  ALERT_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Crash recovery timings. Unset, BullMQ's defaults apply and production keeps them: a job's lock
   * lasts 30 s (renewed every 15 s while it runs), stalled jobs are looked for every 30 s, and a job
   * that stalls a second time fails. Tests shorten them so a killed worker's jobs come back in seconds.
   */
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
  WORKER_MAX_STALLED_COUNT: z.coerce.number().int().min(0).max(100).optional(),
  /**
   * How long after a job was written a worker keeps putting back a payload of a newer contract
   * version than its own (the producer was deployed first) before failing it.
   */
  CONTRACT_SKEW_WINDOW_MS: z.coerce.number().int().min(1_000).max(604_800_000).default(DEFAULT_CONTRACT_SKEW_WINDOW_MS),
  /**
   * The longest a provider's "not now" (429, quota) pauses the whole queue. A longer Retry-After
   * delays only the job that got it, so one quota answer does not stop every other job for hours.
   */
  WORKER_RATE_LIMIT_MAX_PAUSE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How long a job may keep being rate limited, from the first time, before it fails saying so. */
  WORKER_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1_000).max(604_800_000).default(3_600_000),
  /** How long one attempt of this worker's queue may run before it fails with TIMEOUT and is retried; a job's own `timeoutMs` wins. Unset: no limit. */
  JOB_TIMEOUT_MS: z.coerce.number().pipe(jobTimeoutSchema).optional(),
  /** How long the queue pauses, its jobs kept, when the provider refuses the account (bad key, unverified domain). */
  WORKER_REFUSED_PAUSE_MS: z.coerce.number().int().min(100).max(86_400_000).default(300_000),
};

export const commonEnvSchema = z.object(commonEnvShape);
export const workerEnvSchema = z.object(workerEnvShape);
export type CommonEnv = z.output<typeof commonEnvSchema>;
export type WorkerEnv = z.output<typeof workerEnvSchema>;
