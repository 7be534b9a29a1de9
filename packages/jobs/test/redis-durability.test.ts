import { checkRedisDurability, connectRedisClient, readRedisPersistence, UndurableRedisError } from '@nightshift/jobs';
import { TestRedisServer } from '@nightshift/test-support';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const servers: TestRedisServer[] = [];
const clients: Redis[] = [];
let bare: TestRedisServer;

beforeAll(async () => {
  bare = await TestRedisServer.start();
  servers.push(bare);
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  for (const server of servers) await server.stop();
});

async function connect(url: string): Promise<Redis> {
  const client = await connectRedisClient('producer', url);
  clients.push(client);
  return client;
}

function gate(client: Redis, options: { production: boolean; allowWithoutPersistence?: boolean }) {
  const warnings: string[] = [];
  const checked = checkRedisDurability(client, {
    production: options.production,
    allowWithoutPersistence: options.allowWithoutPersistence ?? false,
    warn: (message) => warnings.push(message),
  });
  return { checked, warnings };
}

describe('checkRedisDurability', () => {
  it('passes a Redis with AOF and one with an RDB save schedule, silently', async () => {
    const aof = await TestRedisServer.start({ appendonly: true });
    const rdb = await TestRedisServer.start({ config: { save: '3600 1' } });
    servers.push(aof, rdb);
    for (const server of [aof, rdb]) {
      const { checked, warnings } = gate(await connect(server.url), { production: true });
      await expect(checked).resolves.toBeUndefined();
      expect(warnings).toEqual([]);
    }
    expect(await readRedisPersistence(await connect(aof.url))).toEqual({ readable: true, aof: true, rdb: false });
    expect(await readRedisPersistence(await connect(rdb.url))).toEqual({ readable: true, aof: false, rdb: true });
  });

  it('refuses a Redis that persists nothing in production, unless allowed, and warns in development', async () => {
    const client = await connect(bare.url);
    await expect(gate(client, { production: true }).checked).rejects.toThrow(UndurableRedisError);
    await expect(gate(client, { production: true }).checked).rejects.toThrow(/persists nothing.*REDIS_ALLOW_NO_PERSISTENCE=true/);
    const allowed = gate(client, { production: true, allowWithoutPersistence: true });
    await expect(allowed.checked).resolves.toBeUndefined();
    expect(allowed.warnings).toEqual([expect.stringContaining('persists nothing')]);
    const development = gate(client, { production: false });
    await expect(development.checked).resolves.toBeUndefined();
    expect(development.warnings).toEqual([expect.stringContaining('appendonly yes')]);
  });

  it('treats persistence it cannot read (CONFIG not granted) as a finding, not a pass', async () => {
    const admin = await connect(bare.url);
    await admin.call('ACL', 'SETUSER', 'no-config', 'on', '>s3cret', '~*', '&*', '+@all', '-config');
    const limited = await connect(`redis://no-config:s3cret@127.0.0.1:${bare.port}`);
    expect(await readRedisPersistence(limited)).toEqual({ readable: false, reason: expect.stringContaining('NOPERM') });
    await expect(gate(limited, { production: true }).checked).rejects.toThrow(/could not be read/);
    const development = gate(limited, { production: false });
    await development.checked;
    expect(development.warnings).toEqual([expect.stringContaining('could not be read')]);
  });
});
