import { ConfigError, parseEnv } from '@nightshift/config';
import { TestRedisServer } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { envSchema } from '../src/env.js';

describe('configuration', () => {
  it('refuses to start in production without tokens, admin credentials, link secrets, a public URL and the Resend webhook secret', () => {
    const attempt = () => parseEnv(envSchema, { NODE_ENV: 'production' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /API_TOKENS is required in production.*ADMIN_USER.*ADMIN_PASSWORD.*FILE_LINK_SECRET.*PUBLIC_BASE_URL.*UNSUBSCRIBE_LINK_SECRET.*RESEND_WEBHOOK_SECRET is required in production while RESEND_WEBHOOK_ENABLED is true/s,
    );
    const withoutWebhook = () =>
      parseEnv(envSchema, {
        NODE_ENV: 'production',
        API_TOKENS: 't',
        ADMIN_USER: 'a',
        ADMIN_PASSWORD: 'a-long-random-dashboard-passphrase',
        FILE_LINK_SECRET: 'x'.repeat(32),
        PUBLIC_BASE_URL: 'https://api.example.com',
        UNSUBSCRIBE_LINK_SECRET: 'u'.repeat(32),
        RESEND_WEBHOOK_ENABLED: 'false',
      });
    expect(withoutWebhook).not.toThrow();
    expect(() => parseEnv(envSchema, { RESEND_WEBHOOK_SECRET: 'secret' })).toThrow(
      /RESEND_WEBHOOK_SECRET must be the signing secret/,
    );
  });

  it('requires PUBLIC_BASE_URL in production, so links in emails never point at localhost', () => {
    const production = {
      NODE_ENV: 'production',
      API_TOKENS: 't',
      ADMIN_USER: 'a',
      ADMIN_PASSWORD: 'a-long-random-dashboard-passphrase',
      FILE_LINK_SECRET: 'x'.repeat(32),
      UNSUBSCRIBE_LINK_SECRET: 'u'.repeat(32),
      RESEND_WEBHOOK_ENABLED: 'false',
    };
    expect(() => parseEnv(envSchema, production)).toThrow(/PUBLIC_BASE_URL is required in production/);
    const env = parseEnv(envSchema, { ...production, PUBLIC_BASE_URL: 'https://api.example.com/' });
    expect(env.PUBLIC_BASE_URL).toBe('https://api.example.com');
  });

  it('names a bad value', () => {
    expect(() => parseEnv(envSchema, { PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseEnv(envSchema, { PUBLIC_BASE_URL: 'ftp://files' })).toThrow(/PUBLIC_BASE_URL must be an http\(s\) URL/);
  });

  it('defaults PUBLIC_BASE_URL to this port on localhost', () => {
    expect(parseEnv(envSchema, { PORT: '4100' }).PUBLIC_BASE_URL).toBe('http://localhost:4100');
  });
});

describe('a Redis that evicts keys', () => {
  let redis: TestRedisServer;
  beforeAll(async () => {
    redis = await TestRedisServer.start({ config: { 'maxmemory-policy': 'allkeys-lru' } });
  });
  afterAll(() => redis.destroy());

  const env = (NODE_ENV: string) =>
    parseEnv(envSchema, {
      NODE_ENV,
      LOG_LEVEL: 'silent',
      REDIS_URL: redis.url,
      API_TOKENS: 't',
      ADMIN_USER: 'a',
      ADMIN_PASSWORD: 'a-long-random-dashboard-passphrase',
      FILE_LINK_SECRET: 'x'.repeat(32),
      PUBLIC_BASE_URL: 'https://api.example.com',
      UNSUBSCRIBE_LINK_SECRET: 'u'.repeat(32),
      RESEND_WEBHOOK_ENABLED: 'false',
    });

  it('stops the API from starting in production', async () => {
    await expect(buildApp(env('production'))).rejects.toThrow(/maxmemory-policy is "allkeys-lru"/);
  });

  it('is only a warning in development', async () => {
    const app = await buildApp(env('development'));
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await app.close();
  });
});
