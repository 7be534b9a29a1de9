import type { LoadSummary, Machine } from './machine.js';

/** One line of the table: ours beside the thing it wraps, measured in the same run. */
export interface Row {
  id: string;
  /** Markdown: what is measured, ours and beside. */
  label: string;
  unit: string;
  ours?: number;
  beside?: number;
  /** Ours ÷ beside: above 1 is better for rates, worse for commands and latencies. */
  ratio?: number;
  target?: string;
  met?: boolean;
  /** A second figure for a cell, e.g. CPU per job, which other processes on the machine disturb less than a rate. */
  detail?: { ours?: string; beside?: string };
  /** Every round's value, for whoever doubts a median. */
  rounds?: { ours?: number[]; beside?: number[] };
  note?: string;
}

export interface CommandBreakdown {
  variant: string;
  perJob: number;
  byCommand: Record<string, number>;
}

/** A command ours sends more of per job than raw BullMQ, and why. */
export interface ExtraCommand {
  variant: string;
  command: string;
  extraPerJob: number;
  why: string;
}

/** The peer table's columns: enqueue singly and in bulk, drain at the low and high concurrency, start latency at idle. */
export type PeerMeasure = 'enqueue' | 'enqueueBulk' | 'drainLow' | 'drainHigh' | 'latencyP50' | 'latencyP99';

export interface PeerFigure {
  /** Jobs per second, or milliseconds for the latencies. */
  value: number;
  /** Nightshift's (library path) figure ÷ this one: above 1 Nightshift is faster for rates, slower for latencies. */
  ratio?: number;
  /** CPU microseconds per job of the bench process, and of Redis or PostgreSQL. */
  cpuUs?: number;
  backendCpuUs?: number;
  /** A drain stopped at the time limit in some round: the rate is what it completed by then. */
  limited?: boolean;
  /** Every round's rate, or every latency sample. */
  rounds: number[];
}

/** One job system, with one set of settings, in the peer table. */
export interface PeerSummary {
  id: string;
  system: string;
  settings: string;
  backend: 'Redis' | 'PostgreSQL';
  figures: Record<PeerMeasure, PeerFigure>;
}

export interface BenchReport {
  date: string;
  mode: 'full' | 'smoke';
  durationSeconds: number;
  rounds: number;
  machine: Machine;
  load: LoadSummary;
  pinning: { redis: number[]; node: number[] } | 'none';
  rows: Row[];
  commands: CommandBreakdown[];
  extraCommands: ExtraCommand[];
  peers: PeerSummary[];
  /** What the peer table's columns mean: the job count and the two concurrencies. */
  peerSetup?: { jobs: number; concurrencies: readonly [number, number]; rounds: number; drainLimitSeconds: number };
  notes: string[];
}

const numberFormat = (value: number) => {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
};

const cell = (value: number | undefined, unit: string, detail?: string) =>
  value === undefined ? '—' : `${numberFormat(value)} ${unit}${detail ? ` (${detail})` : ''}`;

export function toMarkdown(report: BenchReport): string {
  const { machine, load } = report;
  const pinning =
    report.pinning === 'none'
      ? 'not pinned'
      : `Redis on core ${report.pinning.redis.join(',')}, Node ${report.pinning.node.length > 0 ? `on ${report.pinning.node.join(',')}` : 'unpinned'}`;
  const lines = [
    `Nightshift benchmark, ${report.date.slice(0, 10)} (${report.mode}, ${report.rounds} rounds, medians; ${Math.round(report.durationSeconds)} s)`,
    '',
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}, Redis ${machine.redis}, BullMQ ${machine.bullmq}; ${pinning}; 1-min load ${load.min}–${load.max} during the run.`,
    '',
    '| Measurement | Nightshift | Beside | Ratio | Target | Met |',
    '|---|---:|---:|---:|---|:-:|',
    ...report.rows.map((row) =>
      [
        row.label,
        cell(row.ours, row.unit, row.detail?.ours),
        cell(row.beside, row.unit, row.detail?.beside),
        row.ratio === undefined ? '' : row.ratio.toFixed(2),
        row.target ?? '',
        row.met === undefined ? '' : row.met ? 'yes' : '**no**',
      ]
        .join(' | ')
        .replace(/^/, '| ')
        .concat(' |'),
    ),
  ];
  if (report.extraCommands.length > 0) {
    lines.push('', 'Redis commands per job that ours sends beyond raw BullMQ:', '');
    for (const extra of report.extraCommands) {
      lines.push(`- ${extra.variant}: \`${extra.command}\` +${extra.extraPerJob.toFixed(2)}/job: ${extra.why}`);
    }
  }
  if (report.peers.length > 0 && report.peerSetup) lines.push('', ...peerTables(report.peers, report.peerSetup));
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

function peerTables(peers: PeerSummary[], setup: NonNullable<BenchReport['peerSetup']>): string[] {
  const [low, high] = setup.concurrencies;
  const jobs = setup.jobs.toLocaleString('en-US');
  const rateCell = (figure: PeerFigure) =>
    `${numberFormat(figure.value)}/s${figure.limited ? '†' : ''}${figure.ratio === undefined ? '' : ` (${figure.ratio.toFixed(2)}×)`}`;
  const msCell = (figure: PeerFigure) =>
    `${numberFormat(figure.value)} ms${figure.ratio === undefined ? '' : ` (${figure.ratio.toFixed(2)}×)`}`;
  const cpuCell = (figure: PeerFigure) =>
    `${numberFormat(figure.cpuUs ?? Number.NaN)} + ${numberFormat(figure.backendCpuUs ?? Number.NaN)}`;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const name = (peer: PeerSummary) => `${peer.system} (${peer.backend}): ${peer.settings}`;
  const workColumns = [
    'System and settings',
    'Enqueue singly',
    'Enqueue in bulk',
    `Process, concurrency ${low}`,
    `Process, concurrency ${high}`,
  ];
  return [
    `Peers: ${jobs} no-op jobs enqueued singly (64 in flight) and in bulk (batches of 1,000), then processed at concurrency ${low} and ${high}; start latency at idle, one job at a time. Medians of ${setup.rounds} rounds; in brackets, Nightshift (\`createQueue\` + \`createWorker\`) ÷ the system: above 1 Nightshift is faster for rates, slower for latencies. † stopped at the ${setup.drainLimitSeconds} s limit in some round: the rate is what it finished by then.`,
    '',
    row([...workColumns, 'Start p50', 'Start p99']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...peers.map((peer) =>
      row([
        name(peer),
        rateCell(peer.figures.enqueue),
        rateCell(peer.figures.enqueueBulk),
        rateCell(peer.figures.drainLow),
        rateCell(peer.figures.drainHigh),
        msCell(peer.figures.latencyP50),
        msCell(peer.figures.latencyP99),
      ]),
    ),
    '',
    "CPU per job in µs: the bench process (producer or worker) + Redis or PostgreSQL (the bench database's backends, from /proc).",
    '',
    row(workColumns),
    row(['---', '---:', '---:', '---:', '---:']),
    ...peers.map((peer) =>
      row([
        name(peer),
        cpuCell(peer.figures.enqueue),
        cpuCell(peer.figures.enqueueBulk),
        cpuCell(peer.figures.drainLow),
        cpuCell(peer.figures.drainHigh),
      ]),
    ),
  ];
}
