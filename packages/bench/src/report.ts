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
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}
