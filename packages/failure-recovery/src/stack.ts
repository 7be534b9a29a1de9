import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type QueueName, queueNames } from '@nightshift/contracts';
import { type ContractQueue, createQueue } from '@nightshift/jobs';
import { S3Storage } from '@nightshift/storage';
import {
  freePort,
  type RedisServerOptions,
  ResendStandIn,
  TEST_S3_BUCKET,
  TEST_S3_CREDENTIALS,
  TEST_S3_REGION,
  TestRedisServer,
  TestS3Server,
  uniquePrefix,
} from '@nightshift/test-support';
import { type App, appNamed, readApps } from '@nightshift/workspace';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { ApiClient } from './api-client.js';
import { AppProcess } from './app-process.js';

/**
 * Lock and stall timings short enough for tests. Production keeps BullMQ's defaults, given beside
 * each: a killed worker's jobs then come back within about a minute instead of a few seconds.
 */
export const TEST_RECOVERY_TIMINGS = {
  /** Production: 30000 (unset). The lock is renewed every half of it while the job runs. */
  WORKER_LOCK_DURATION_MS: '2000',
  /** Production: 30000 (unset). A stalled job is moved back within two checks after its lock expired. */
  WORKER_STALLED_INTERVAL_MS: '1000',
  /** Production: 1 (unset). A job whose worker dies a second time while running it fails. */
  WORKER_MAX_STALLED_COUNT: '1',
  /** Production: 30000 (the default). How long SIGTERM waits for jobs in flight. */
  SHUTDOWN_TIMEOUT_MS: '8000',
} as const;

export const API_TOKEN = 'failure-recovery-token-0123456789';

export interface RunningApi {
  process: AppProcess;
  client: ApiClient;
  url: string;
}

export interface StackOptions {
  redis?: RedisServerOptions;
  /** Files in a bucket of an S3 server of the stack's own (s3rver) instead of a folder: the apps share no disk. */
  objectStorage?: boolean;
}

/**
 * One scenario's whole system: its own redis-server (AOF on, `noeviction`), storage folder (or
 * S3 server), key prefix and Resend stand-in, and the built apps it starts, configured as in
 * production (`NODE_ENV=production`) except for the recovery timings above.
 */
export class NightshiftStack {
  /** Every app of the repository, as its package.json declares it. */
  readonly apps: readonly App[] = readApps();
  readonly processes: AppProcess[] = [];
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly queues = new Map<QueueName, ContractQueue<QueueName>>();
  private readonly events: QueueEvents[] = [];

  private constructor(
    readonly redis: TestRedisServer,
    readonly storageDir: string,
    readonly prefix: string,
    readonly resend: ResendStandIn,
    /** With `objectStorage`: the S3 server the apps keep their files on. */
    readonly s3: TestS3Server | undefined,
  ) {}

  static async start({ redis: redisOptions = {}, objectStorage = false }: StackOptions = {}): Promise<NightshiftStack> {
    const [redis, storageDir, resend, s3] = await Promise.all([
      TestRedisServer.start({ appendonly: true, ...redisOptions }),
      mkdtemp(join(tmpdir(), 'nightshift-recovery-')),
      ResendStandIn.start(),
      objectStorage ? TestS3Server.start() : undefined,
    ]);
    return new NightshiftStack(redis, storageDir, uniquePrefix('recovery'), resend, s3);
  }

  /** The key prefix of the stack's files in the bucket. */
  get storagePrefix(): string {
    return 'stack';
  }

  /** The storage variables of every app: the bucket with its credentials, or the folder. */
  private storageVariables(): Record<string, string> {
    return this.s3 ? this.s3.variables({ prefix: this.storagePrefix }) : { STORAGE_DIR: this.storageDir };
  }

  /** The stack's bucket as the apps see it, from the test process, to inspect what they stored. */
  bucket(): S3Storage {
    if (!this.s3) throw new Error('this stack keeps its files in a folder: start it with objectStorage');
    const bucket = new S3Storage({
      bucket: TEST_S3_BUCKET,
      prefix: this.storagePrefix,
      region: TEST_S3_REGION,
      endpoint: this.s3.endpoint,
      forcePathStyle: true,
      credentials: TEST_S3_CREDENTIALS,
    });
    this.closers.push(() => bucket.close());
    return bucket;
  }

  /**
   * An app's variables as production would set them, pointing at this stack: the stand-ins its
   * package.json gives for what production requires, its health port on a free port, and for the
   * API and the email worker what the scenarios rely on (a token they know, this stack's Resend, no throttle).
   */
  variables(name: string, overrides: Record<string, string> = {}): Record<string, string> {
    const app = appNamed(name, this.apps);
    const common = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX: this.prefix,
      ...this.storageVariables(),
      [app.healthPortVariable]: '0',
    };
    const scenarios: Record<string, Record<string, string>> = {
      api: { API_TOKENS: API_TOKEN, RATE_LIMIT_MAX: '1000000' },
      'worker-email': {
        RESEND_BASE_URL: this.resend.url,
        // The stand-in has no allowance to protect: let the load through as fast as the worker goes.
        EMAIL_RATE_MAX: '100000',
      },
    };
    const worker = app.queue ? TEST_RECOVERY_TIMINGS : {};
    return { ...common, ...worker, ...app.requiredInProduction, ...scenarios[app.name], ...overrides };
  }

  /** Starts the API on a free port and resolves once its /healthz answers. */
  async startApi(overrides: Record<string, string> = {}): Promise<RunningApi> {
    const port = overrides.PORT ?? String(await freePort());
    const process = this.spawn('api', this.variables('api', { PORT: port, HOST: '127.0.0.1', ...overrides }));
    const url = `http://127.0.0.1:${port}`;
    await process.waitHealthy(`${url}/healthz`);
    return { process, url, client: new ApiClient(url, API_TOKEN) };
  }

  /** Starts a worker and resolves once it has said "worker started" and its /healthz answers. */
  async startWorker(name: string, overrides: Record<string, string> = {}): Promise<AppProcess> {
    if (!appNamed(name, this.apps).queue) throw new Error(`${name} consumes no queue: it is not a worker`);
    const process = this.spawn(name, this.variables(name, overrides));
    await waitWorkerHealthy(process);
    return process;
  }

  /** Starts an app without waiting for it (for apps expected to refuse to start). */
  spawn(name: string, variables: Record<string, string>): AppProcess {
    const process = AppProcess.start(appNamed(name, this.apps), variables);
    this.processes.push(process);
    return process;
  }

  /** A queue of this stack's, from the test process, to inspect what the apps did. */
  queue<Q extends QueueName>(name: Q): ContractQueue<Q> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = createQueue(name, { redisUrl: this.redis.url, prefix: this.prefix }) as ContractQueue<QueueName>;
      queue.on('error', () => {}); // scenarios stop Redis on purpose; what matters is asserted elsewhere
      this.queues.set(name, queue);
    }
    return queue as unknown as ContractQueue<Q>;
  }

  /** Listens to a queue's event stream; resolved once subscribed, so no later event is missed. */
  async queueEvents(name: QueueName): Promise<QueueEvents> {
    const events = new QueueEvents(name, {
      connection: { url: this.redis.url, maxRetriesPerRequest: null },
      prefix: this.prefix,
    });
    events.on('error', () => {});
    this.events.push(events);
    await events.waitUntilReady();
    return events;
  }

  /** Every key in the stack's own Redis, sorted: the test is alone on it, so KEYS is fine. */
  async redisKeys(): Promise<string[]> {
    const client = new Redis(this.redis.url, { maxRetriesPerRequest: 1 });
    try {
      return (await client.keys('*')).sort();
    } finally {
      client.disconnect();
    }
  }

  /** Every job count of every queue: what "nothing was enqueued" compares. */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      queueNames.map(async (name) => {
        const queue = this.queue(name);
        const counts = await queue.getJobCounts(
          'waiting',
          'active',
          'delayed',
          'prioritized',
          'completed',
          'failed',
          'waiting-children',
        );
        const schedulers = await queue.getJobSchedulersCount();
        return [name, { ...counts, schedulers }] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((process) => process.kill('SIGKILL')));
    await Promise.all(this.events.map((events) => events.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await Promise.all(this.closers.map((close) => close()));
    await this.resend.close();
    await this.redis.destroy();
    await this.s3?.destroy();
    await rm(this.storageDir, { recursive: true, force: true });
  }
}

/** A worker prints its health port in "worker started" (METRICS_PORT=0 picks a free one); then /healthz must answer. */
export async function waitWorkerHealthy(process: AppProcess): Promise<{ healthPort: number; startedAt: number }> {
  const started = await process.waitForLine((line) => line.msg === 'worker started', 'worker started');
  await process.waitHealthy(`http://127.0.0.1:${String(started.healthPort)}/healthz`);
  return { healthPort: Number(started.healthPort), startedAt: started.readAt };
}
