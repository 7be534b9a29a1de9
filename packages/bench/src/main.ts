/**
 * `pnpm bench`: the full run, printed as a markdown table and written to results/latest.{json,md}.
 *
 *   pnpm bench                        every measurement, 5 rounds
 *   pnpm bench --smoke                tiny counts, nothing written (what the test suite runs)
 *   pnpm bench --only enqueue,workers a subset, nothing written unless --out is given
 *   pnpm bench --out /tmp/bench       write latest.{json,md} there instead of results/
 *   pnpm bench --profile /tmp/prof    also writes CPU profiles of the servers it starts (API, hello)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toMarkdown } from './report.js';
import { type MeasurementName, measurementNames, runBench } from './run-bench.js';
import { FULL, SMOKE } from './settings.js';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
    out: { type: 'string' },
  },
});

const only = values.only?.split(',').map((name) => name.trim());
const unknown = only?.filter((name) => !(measurementNames as readonly string[]).includes(name));
if (unknown && unknown.length > 0) {
  console.error(`--only: unknown measurement ${unknown.join(', ')}; one or more of ${measurementNames.join(', ')}`);
  process.exit(2);
}

const settings = values.smoke ? SMOKE : FULL;
const serverNodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values.profile)}`] : [];
const report = await runBench(settings, {
  only: only as MeasurementName[] | undefined,
  serverNodeArgs,
  log: (message) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`),
});
const markdown = toMarkdown(report);
console.log(markdown);

const defaultResults =
  settings.mode === 'full' && !only ? join(dirname(fileURLToPath(import.meta.url)), '..', 'results') : undefined;
const results = values.out ? resolve(values.out) : defaultResults;
if (results) {
  await mkdir(results, { recursive: true });
  await writeFile(join(results, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(results, 'latest.md'), markdown);
  console.error(`written: ${join(results, 'latest.json')} and latest.md`);
}
