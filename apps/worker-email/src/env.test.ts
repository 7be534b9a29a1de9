import { ConfigError, parseEnv } from '@nightshift/config';
import { describe, expect, it } from 'vitest';
import { envSchema, OUTBOX_FROM } from './env.js';

const problems = (source: Record<string, string>) => {
  try {
    parseEnv(envSchema, source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.variable);
    throw error;
  }
  return [];
};

describe('envSchema', () => {
  it('defaults to the outbox, 10 jobs at once and 100 sends per second', () => {
    const env = parseEnv(envSchema, {});
    expect(env).toMatchObject({ EMAIL_FROM: OUTBOX_FROM, EMAIL_RATE_MAX: 100, EMAIL_RATE_DURATION_MS: 1_000 });
    expect(env.RESEND_API_KEY).toBeUndefined();
    expect(env.WORKER_CONCURRENCY).toBeUndefined();
  });

  it('reads Resend settings', () => {
    const env = parseEnv(envSchema, {
      RESEND_API_KEY: 're_123',
      RESEND_BASE_URL: 'http://127.0.0.1:4010',
      EMAIL_FROM: 'Acme <no-reply@acme.com>',
      EMAIL_RATE_MAX: '2',
      EMAIL_RATE_DURATION_MS: '1000',
    });
    expect(env).toMatchObject({
      RESEND_BASE_URL: 'http://127.0.0.1:4010',
      EMAIL_FROM: 'Acme <no-reply@acme.com>',
      EMAIL_RATE_MAX: 2,
    });
  });

  it('names what is wrong', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'RESEND_API_KEY',
      'EMAIL_BRAND_ADDRESS',
      'PUBLIC_BASE_URL',
      'UNSUBSCRIBE_LINK_SECRET',
    ]);
    expect(problems({ UNSUBSCRIBE_LINK_SECRET: 'short' })).toEqual(['UNSUBSCRIBE_LINK_SECRET']);
    expect(problems({ EMAIL_BRAND_COLOR: 'indigo', EMAIL_BRAND_LOGO_URL: 'logo.png', EMAIL_SUPPORT_ADDRESS: 'help' })).toEqual([
      'EMAIL_BRAND_LOGO_URL',
      'EMAIL_BRAND_COLOR',
      'EMAIL_SUPPORT_ADDRESS',
    ]);
    expect(problems({ RESEND_API_KEY: 're_123' })).toEqual(['EMAIL_FROM']);
    expect(problems({ EMAIL_FROM: 'not an address' })).toEqual(['EMAIL_FROM']);
    expect(problems({ RESEND_BASE_URL: 'ftp://x' })).toEqual(['RESEND_BASE_URL']);
    expect(problems({ EMAIL_RATE_MAX: '0', EMAIL_RATE_DURATION_MS: 'fast' })).toEqual([
      'EMAIL_RATE_MAX',
      'EMAIL_RATE_DURATION_MS',
    ]);
  });
});
