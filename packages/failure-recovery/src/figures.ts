import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where every run appends its figures, one JSON object a line (ignored by git, like every `.data`). */
export const FIGURES_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '.data', 'figures.jsonl');

/** Prints one measured figure as a line and keeps it for the report. */
export function recordFigure(scenario: string, name: string, value: number, unit: string): void {
  const rounded = Math.round(value * 1_000) / 1_000;
  console.log(`[figure] ${scenario} · ${name}: ${rounded} ${unit}`);
  mkdirSync(dirname(FIGURES_FILE), { recursive: true });
  appendFileSync(FIGURES_FILE, `${JSON.stringify({ scenario, name, value: rounded, unit, at: new Date().toISOString() })}\n`);
}
