import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildServer } from './child-server.js';
import { API_TOKEN } from './fixtures.js';

/**
 * The API as production starts it (its package's entry, `src/server.ts`, NODE_ENV=production, info logs),
 * on the bench's Redis. Only the rate limit is raised out of the way: 64 connections on one
 * token would otherwise be answered 429 within a second.
 */
export class ApiServer {
  readonly prefix = '{nightshift}';

  private constructor(
    private readonly server: ChildServer,
    private readonly storageDir: string,
  ) {}

  static async start(redisUrl: string, nodeArgs: readonly string[], overrides: Record<string, string> = {}): Promise<ApiServer> {
    // The entry the package exports, from its sources under the `@nightshift/source` condition the bench runs with.
    const script = fileURLToPath(import.meta.resolve('@nightshift/api'));
    const storageDir = await mkdtemp(join(tmpdir(), 'nightshift-bench-api-'));
    const server = await ChildServer.start({
      script,
      cwd: packageDirOf(script),
      readyPath: '/readyz',
      nodeArgs,
      env: {
        NODE_ENV: 'production',
        // The bench's Redis runs without AOF on purpose: it measures Nightshift, not the disk.
        REDIS_ALLOW_NO_PERSISTENCE: 'true',
        LOG_LEVEL: 'info',
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: '{nightshift}',
        STORAGE_DIR: storageDir,
        API_TOKENS: API_TOKEN,
        ADMIN_USER: 'bench',
        ADMIN_PASSWORD: 'qL7-dashboard-passphrase-w4Zx',
        FILE_LINK_SECRET: 'bench-file-link-secret-0123456789abcdef',
        UNSUBSCRIBE_LINK_SECRET: 'bench-unsubscribe-link-secret-0123456789',
        RESEND_WEBHOOK_SECRET: `whsec_${Buffer.from('bench-resend-webhook-secret').toString('base64')}`,
        PUBLIC_BASE_URL: 'http://127.0.0.1',
        // The bench fills queues no worker drains: admission control would turn its load into 429s.
        ADMISSION_MAX_WAITING: '1000000000',
        RATE_LIMIT_MAX: '1000000',
        RATE_LIMIT_WINDOW_MS: '1000',
        ...overrides,
      },
    }).catch(async (error: unknown) => {
      await rm(storageDir, { recursive: true, force: true });
      throw error;
    });
    return new ApiServer(server, storageDir);
  }

  /** Where jobs are added: `POST` this with `{ name, data }` and the bench token. */
  get emailJobsUrl(): string {
    return `${this.server.url}/v1/queues/email/jobs`;
  }

  cpuSeconds(): Promise<number | undefined> {
    return this.server.cpuSeconds();
  }

  rssMiB(): Promise<number | undefined> {
    return this.server.rssMiB();
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await rm(this.storageDir, { recursive: true, force: true });
  }
}

export const apiHeaders = { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` };

/** The folder of the package a file belongs to: its tsconfig is the one tsx must apply. */
function packageDirOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${file} is in no package`);
    dir = parent;
  }
  return dir;
}
