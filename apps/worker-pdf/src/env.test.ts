import { fileURLToPath } from 'node:url';
import { ConfigError, parseEnv } from '@nightshift/config';
import { importInChild } from '@nightshift/test-support';
import { describe, expect, it } from 'vitest';
import { envSchema } from './env.js';

describe('env.ts', () => {
  it('parses nothing on import: a bad variable ends no process that imports the module', async () => {
    const outcome = await importInChild('./src/env.ts', {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { RENDER_MEMORY_MB: 'not a number', NODE_ENV: 'production' },
    });
    expect(outcome).toEqual({ code: 0, stderr: '' });
  });

  it('names the bad variable when the app parses it at start', () => {
    expect(() => parseEnv(envSchema, { RENDER_MEMORY_MB: 'not a number' })).toThrow(ConfigError);
    expect(() => parseEnv(envSchema, { RENDER_MEMORY_MB: 'not a number' })).toThrow(/RENDER_MEMORY_MB/);
  });
});
