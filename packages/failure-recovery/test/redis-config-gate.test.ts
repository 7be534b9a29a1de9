import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, NightshiftStack, recordFigure } from '../src/index.js';

/**
 * Scenario 5: BullMQ keeps jobs and locks in ordinary keys, so a Redis that evicts keys loses jobs.
 * Every app reads `maxmemory-policy` at start: production refuses anything but `noeviction`,
 * development warns and goes on. Both sides say why.
 */
const WHY = 'maxmemory-policy is "allkeys-lru"';

let stack: NightshiftStack;

beforeAll(async () => {
  stack = await NightshiftStack.start({ redis: { config: { 'maxmemory-policy': 'allkeys-lru' } } });
});
afterAll(() => stack?.close());

/** What a process said, whichever way: the API writes its start failure to stderr, workers log it as `err`. */
const said = (process: AppProcess) =>
  [...process.lines.flatMap((line) => [line.msg, (line.err as { message?: string } | undefined)?.message]), process.stderr].join(
    '\n',
  );

describe('an evicting Redis (maxmemory-policy allkeys-lru)', () => {
  it('makes every app refuse to start in production, saying why', async () => {
    const started = Date.now();
    const processes = stack.apps.map((app) => stack.spawn(app.name, stack.variables(app.name)));
    expect(processes.length).toBeGreaterThan(1);
    const exits = await Promise.all(processes.map((process) => process.exited));

    for (const [index, process] of processes.entries()) {
      expect({ app: process.app, code: exits[index]?.code }).toEqual({ app: process.app, code: 1 });
      expect(said(process)).toContain(WHY);
      expect(said(process)).toContain('Set "maxmemory-policy noeviction"');
    }
    recordFigure(
      '5 redis gate',
      'production refusal, slowest app',
      (Math.max(...exits.map((exit) => exit.at)) - started) / 1_000,
      's',
    );
  });

  it('lets every app start in development with a warning that says why', async () => {
    const api = await stack.startApi({ NODE_ENV: 'development' });
    const workers = await Promise.all(
      stack.apps.filter((app) => app.queue).map((app) => stack.startWorker(app.name, { NODE_ENV: 'development' })),
    );

    for (const process of [api.process, ...workers]) {
      // pino level 40 is warn.
      const warning = await process.waitForLine((line) => line.level === 40 && String(line.msg).includes(WHY), 'the warning');
      expect(warning.msg).toContain('noeviction');
      expect(process.running).toBe(true);
    }
    expect((await api.client.get('/readyz')).status).toBe(200);
  });
});
