// Finds a Redis for the run and test commands: REDIS_URL if set, else 127.0.0.1:6379 if it
// answers, else a local redis-server of our own (AOF on, data under .data/redis), stopped on exit.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

const LOCAL_URL = 'redis://127.0.0.1:6379';

/** True when something at the URL answers a RESP PING (an auth error is an answer too). */
export function redisAnswers(url, timeoutMs = 1_000) {
  const { hostname, port, protocol } = new URL(url);
  const options = { host: hostname || '127.0.0.1', port: Number(port || 6379), servername: hostname };
  return new Promise((resolve) => {
    const socket = protocol === 'rediss:' ? tls.connect(options) : net.connect(options);
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once(protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (reply) => done(/^[+-]/.test(reply.toString())));
  });
}

function hasRedisServer() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function freePort(preferred) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address();
        server.close(() => resolve(bound));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0));
}

export const HOW_TO_GET_REDIS = `Nightshift needs Redis 7 and found none:
  - REDIS_URL is not set,
  - nothing answers at ${LOCAL_URL},
  - and there is no redis-server binary to start one.
Get one of these, then run the command again:
  Debian/Ubuntu:  sudo apt-get install -y redis-server
  macOS:          brew install redis
  Docker:         docker run -d --name redis -p 6379:6379 redis:7 --appendonly yes --maxmemory-policy noeviction
  Elsewhere:      export REDIS_URL=redis://user:password@host:6379`;

/**
 * @returns {Promise<{ url: string, origin: 'REDIS_URL' | 'local' | 'started', stop: () => Promise<void> }>}
 */
export async function ensureRedis(root, log = console.log) {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (!(await redisAnswers(fromEnv))) throw new Error(`REDIS_URL is set to ${redact(fromEnv)} but nothing answers there.`);
    return { url: fromEnv, origin: 'REDIS_URL', stop: async () => {} };
  }
  if (await redisAnswers(LOCAL_URL)) return { url: LOCAL_URL, origin: 'local', stop: async () => {} };
  if (!hasRedisServer()) throw new Error(HOW_TO_GET_REDIS);

  const dir = join(root, '.data', 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort(6379);
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(`started redis-server on ${url} (AOF on, data in ${dir})`);
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, origin: 'started', stop };
}

export function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
