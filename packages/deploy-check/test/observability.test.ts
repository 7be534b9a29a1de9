import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { execCommand } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const dir = join(repoRoot, 'docker', 'observability');

/** promtool, from Debian's `prometheus` package (`.ci/run` installs it). */
async function promtool(...args: string[]) {
  const { code, output } = await execCommand(['promtool', ...args], { app: 'observability', step: 'promtool', cwd: dir });
  return { code, output };
}

/** Every metric name the apps define, with the series a histogram adds. */
async function definedMetrics(): Promise<Set<string>> {
  const sources = ['packages/worker-runtime/src/metrics.ts', 'apps/api/src/plugins/metrics.ts'];
  const names = new Set<string>();
  for (const source of sources) {
    const text = await readFile(join(repoRoot, source), 'utf8');
    for (const [, name] of text.matchAll(/name: '(nightshift_[a-z_]+)'/g)) {
      for (const suffix of ['', '_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
    }
  }
  return names;
}

const metricsIn = (expression: string) => [...expression.matchAll(/\b(nightshift_[a-z_]+)/g)].map((match) => match[1] ?? '');

describe('docker/observability', () => {
  it('has a Prometheus configuration and alert rules promtool accepts', async () => {
    const config = await promtool('check', 'config', 'prometheus.yml');
    expect(config.output).toContain('SUCCESS');
    expect(config.code).toBe(0);
    const rules = await promtool('check', 'rules', 'alerts.yml');
    expect(rules.output).toContain('SUCCESS');
    expect(rules.code).toBe(0);
  });

  it('passes the unit tests of every alert, and tests each alert it defines', async () => {
    const result = await promtool('test', 'rules', 'alerts.test.yml');
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
    const rules = parse(await readFile(join(dir, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const tests = parse(await readFile(join(dir, 'alerts.test.yml'), 'utf8')) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const firing = new Set(
      tests.tests.flatMap((test) => test.alert_rule_test.filter((t) => t.exp_alerts.length > 0).map((t) => t.alertname)),
    );
    const untested = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert)).filter((alert) => !firing.has(alert));
    // The API's own `up` alert needs no more proof than the worker one beside it.
    expect(untested).toEqual(['NightshiftApiDown']);
  });

  it('alerts and charts only on metrics the apps define', async () => {
    const defined = await definedMetrics();
    const alerts = await readFile(join(dir, 'alerts.yml'), 'utf8');
    const dashboard = JSON.parse(await readFile(join(dir, 'grafana', 'dashboards', 'nightshift-queues.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const used = [
      ...metricsIn(alerts),
      ...dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => metricsIn(target.expr))),
    ];
    expect(used.length).toBeGreaterThan(0);
    expect([...new Set(used.filter((name) => !defined.has(name)))]).toEqual([]);
    // Each of the questions has a panel: backlog, age, wait, processing time, outcomes, states, rate limits.
    expect(dashboard.panels.map((panel) => panel.title)).toEqual(
      expect.arrayContaining([
        'Oldest waiting job',
        'Enqueue to start, p50 and p95',
        'Processing time p95, by job name',
        'Rate-limit waits',
      ]),
    );
  });
});
