import { ConfigError, parseEnv } from '@nightshift/config';
import { generateEndpointSecret } from '@nightshift/jobs';
import { describe, expect, it } from 'vitest';
import { envSchema } from './env.js';

const problems = (source: Record<string, string>) => {
  try {
    parseEnv(envSchema, source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(({ variable, message }) => `${variable}: ${message}`);
    throw error;
  }
  return [];
};

describe('envSchema', () => {
  it('defaults to public addresses only, a 10 s timeout, 2 deliveries in flight per endpoint, disabling after 10 failures', () => {
    expect(parseEnv(envSchema, {})).toMatchObject({
      WEBHOOK_ALLOWED_NETWORKS: [],
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_ENDPOINT_CONCURRENCY: 2,
      WEBHOOK_DISABLE_AFTER_FAILURES: 10,
      WEBHOOK_RETRY_AFTER_MAX_MS: 3_600_000,
      METRICS_PORT: 9104,
    });
  });

  it('reads allowed networks as CIDR ranges, naming one that is not', () => {
    expect(parseEnv(envSchema, { WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8, ::1/128' }).WEBHOOK_ALLOWED_NETWORKS).toEqual([
      '127.0.0.0/8',
      '::1/128',
    ]);
    expect(problems({ WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8,localhost' })).toEqual([
      'WEBHOOK_ALLOWED_NETWORKS: "localhost" is not a CIDR range such as 127.0.0.1/32',
    ]);
  });

  it('refuses to start in production without a signing secret, and takes only one in the Standard Webhooks form', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'WEBHOOK_SIGNING_SECRET: is required in production: deliveries without an endpoint are signed with it',
    ]);
    expect(problems({ NODE_ENV: 'production', WEBHOOK_SIGNING_SECRET: generateEndpointSecret() })).toEqual([]);
    expect(problems({ WEBHOOK_SIGNING_SECRET: 'hunter2' })).toEqual([
      'WEBHOOK_SIGNING_SECRET: must be "whsec_" followed by base64',
    ]);
  });
});
