import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@nightshift/config';
import { SHARED_REDIS_URL, TEST_RESEND_WEBHOOK_SECRET, uniquePrefix } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { type App, buildApp } from '../src/app.js';
import { type Env, envSchema } from '../src/env.js';

export const TOKEN = 'test-token-0123456789';
export const ROTATED_TOKEN = 'rotated-token-9876543210';
export const ADMIN = { user: 'admin', password: 'correct horse battery staple' };
export const FILE_LINK_SECRET = 'a-test-secret-that-is-long-enough-0123';

export const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
export const adminAuth = (user = ADMIN.user, password = ADMIN.password) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

export interface TestApp {
  app: App;
  env: Env;
  /** The folder of the file backend (also made, unused, when `STORAGE_URL` points elsewhere). */
  storageDir: string;
  /**
   * Removes every key under the test's prefix and its storage folder, then closes the app; fails
   * if a route answered a code it does not declare, so every API test checks the declarations.
   */
  close(): Promise<void>;
}

/** The API on the shared Redis under a prefix of its own, with its own storage folder. */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const storage = await mkdtemp(join(tmpdir(), 'nightshift-api-'));
  const env = parseEnv(envSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('api'),
    STORAGE_DIR: storage,
    API_TOKENS: `${TOKEN},${ROTATED_TOKEN}`,
    ADMIN_USER: ADMIN.user,
    ADMIN_PASSWORD: ADMIN.password,
    FILE_LINK_SECRET,
    PUBLIC_BASE_URL: 'https://api.nightshift.test',
    RESEND_WEBHOOK_SECRET: TEST_RESEND_WEBHOOK_SECRET,
    ...overrides,
  });
  const undeclared: string[] = [];
  const app = await buildApp(env, {
    onUndeclaredErrorCode: ({ method, url, code, declared }) =>
      undeclared.push(`${method} ${url} answered ${code}, not among its declared ${declared.join(', ')}`),
  }).catch(async (error: unknown) => {
    await rm(storage, { recursive: true, force: true });
    throw error;
  });
  await app.ready();
  return {
    app,
    env,
    storageDir: storage,
    async close() {
      await app.close();
      await deletePrefix(env.REDIS_URL, env.QUEUE_PREFIX);
      await rm(storage, { recursive: true, force: true });
      if (undeclared.length > 0) throw new Error(`undeclared error codes:\n${[...new Set(undeclared)].join('\n')}`);
    },
  };
}

/** Obliterating each queue would leave idempotency keys behind; the prefix is the test's own, so delete all of it. */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

export const welcomeEmail = (to = 'ann@example.com') => ({
  to,
  template: 'welcome' as const,
  data: { name: 'Ann', activationUrl: 'https://app.example.com/activate/1' },
});
