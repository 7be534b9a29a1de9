import { describe, expect, it } from 'vitest';
import { toMarkdown } from './report.js';
import { runBench } from './run-bench.js';
import { SMOKE } from './settings.js';

/**
 * The whole benchmark with tiny counts, so it never rots: every path it measures still starts,
 * runs and reports. Its numbers mean nothing here; `pnpm bench` takes the real ones.
 */
describe('benchmark smoke run', () => {
  it('measures every row, ours beside raw, and renders the table', { timeout: 600_000 }, async () => {
    const report = await runBench(SMOKE);

    const ids = report.rows.map((row) => row.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'enqueue-api',
        'enqueue-api-traced',
        'enqueue-api-bulk',
        'enqueue-library',
        'enqueue-http-add-floor',
        'enqueue-api-vs-add-floor',
        'enqueue-http-floor',
        ...SMOKE.workerConcurrencies.flatMap((c) => [`worker-c${c}`, `worker-runtime-c${c}`, `worker-traced-c${c}`]),
        'commands-library',
        'commands-api',
        'latency-p50',
        'latency-p99',
        'image',
        'image-queue-floor',
        'image-vs-queue-floor',
        ...SMOKE.reportRows.flatMap((rows) => [`pdf-${rows}`, `xlsx-${rows}`]),
        'xlsx-memory',
        'target-nightshift-vs-bee-queue',
        'target-nightshift-vs-bullmq',
        'target-nightshift-runtime-vs-bullmq',
        'target-nightshift-vs-pg-boss',
        'target-nightshift-runtime-vs-graphile-worker',
        'target-nightshift-bullmq-job-defaults-vs-bullmq',
        'target-nightshift-vs-nightshift-bullmq-job-defaults',
        'target-bullmq-fast-vs-bullmq',
        ...SMOKE.depths.flatMap((depth) => [`depth-api-${depth}`, `depth-worker-${depth}`]),
        ...['noop', 'image', 'cluster-noop'].flatMap((curve) =>
          SMOKE.scaleProcesses.map((processes) => `scale-${curve}-p${processes}`),
        ),
        'redis-set',
        'redis-evalsha',
      ]),
    );
    for (const row of report.rows) {
      expect(row.beside, row.id).toBeGreaterThan(0);
      if (row.ours !== undefined) {
        expect(row.ours, row.id).toBeGreaterThan(0);
        expect(Number.isFinite(row.ratio), row.id).toBe(true);
      }
    }

    // Raw BullMQ needs a few commands per job at least (add, move to active, move to finished, each a script).
    const raw = report.commands.find((breakdown) => breakdown.variant === 'raw BullMQ');
    expect(raw?.perJob).toBeGreaterThan(3);
    expect(raw?.byCommand.evalsha).toBeGreaterThanOrEqual(2);
    const unexplained = report.extraCommands.filter((extra) => extra.why === 'UNEXPLAINED');
    expect(unexplained.map((extra) => `${extra.variant}: ${extra.command}`)).toEqual([]);

    // Every peer, with both its settings, has every figure; each but Nightshift's own a ratio to it.
    expect(report.peers.map((peer) => peer.id)).toEqual([
      'nightshift',
      'nightshift-runtime',
      'bullmq',
      'bullmq-fast',
      'bee-queue',
      'bee-queue-fast',
      'pg-boss',
      'pg-boss-fast',
      'graphile-worker',
      'graphile-worker-fast',
    ]);
    for (const peer of report.peers) {
      for (const [measure, figure] of Object.entries(peer.figures)) {
        expect(figure.value, `${peer.id} ${measure}`).toBeGreaterThan(0);
        if (peer.id !== 'nightshift') expect(Number.isFinite(figure.ratio), `${peer.id} ${measure}`).toBe(true);
        if (!measure.startsWith('latency')) expect(figure.backendCpuUs, `${peer.id} ${measure}`).toBeGreaterThanOrEqual(0);
      }
    }

    expect(report.machine.redis).toMatch(/^\d+\.\d+/);
    expect(report.machine.bullmq).toMatch(/^\d+\.\d+/);
    expect(report.load.samples.length).toBeGreaterThanOrEqual(2);

    const markdown = toMarkdown(report);
    expect(markdown).toContain('| Measurement | Nightshift | Beside | Ratio | Target | Met |');
    for (const row of report.rows) expect(markdown).toContain(row.label);
    for (const peer of report.peers) expect(markdown).toContain(peer.settings);
  });
});
