import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchContext } from '../context.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const run = promisify(execFile);
const CLIENTS = 50;
/** One SET inside a script: the cheapest EVALSHA, the floor under every BullMQ script call. */
const SET_SCRIPT = "return redis.call('SET', KEYS[1], ARGV[1])";

/** Requests per second from `redis-benchmark --csv` (its second line: "name","rps",...). */
async function redisBenchmark(port: number, requests: number, command: string[]): Promise<number> {
  const { stdout } = await run('redis-benchmark', [
    ...['-h', '127.0.0.1', '-p', String(port), '-n', String(requests), '-c', String(CLIENTS), '-r', '100000', '--csv'],
    ...command,
  ]);
  const rps = stdout.trim().split('\n').at(-1)?.split(',')[1]?.replaceAll('"', '');
  const value = Number(rps);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`redis-benchmark ${command.join(' ')} printed no rate: ${stdout}`);
  return value;
}

/** The physical limit of this Redis on this machine: `redis-benchmark` SET and EVALSHA, 50 clients, no pipelining. */
export async function measureRedisCeiling({ settings, redis, log }: BenchContext): Promise<Row[]> {
  log(`redis ceiling: ${settings.rounds} rounds of ${settings.redisRequests} requests`);
  const sha = (await redis.admin.script('LOAD', SET_SCRIPT)) as string;
  const rounds = { set: [] as number[], evalsha: [] as number[] };
  for (let round = 0; round < settings.rounds; round++) {
    rounds.set.push(await redisBenchmark(redis.port, settings.redisRequests, ['-t', 'set']));
    rounds.evalsha.push(
      await redisBenchmark(redis.port, settings.redisRequests, ['EVALSHA', sha, '1', 'key:__rand_int__', 'value']),
    );
  }
  await redis.flush();
  return [
    {
      id: 'redis-set',
      label: `Redis ceiling: \`redis-benchmark\` SET, ${CLIENTS} clients`,
      unit: 'ops/s',
      beside: median(rounds.set),
      target: 'reported',
      rounds: { beside: rounds.set },
    },
    {
      id: 'redis-evalsha',
      label: `Redis ceiling: \`redis-benchmark\` EVALSHA (one SET), ${CLIENTS} clients`,
      unit: 'ops/s',
      beside: median(rounds.evalsha),
      target: 'reported',
      rounds: { beside: rounds.evalsha },
    },
  ];
}
