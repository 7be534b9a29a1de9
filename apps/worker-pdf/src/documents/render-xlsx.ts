import { PassThrough } from 'node:stream';
import type { ReportCell, ReportData } from '@nightshift/contracts';
import ExcelJS from 'exceljs';
import { parseIsoDate } from './cells.js';
import type { RenderedReport, RenderProgress, RenderRequest } from './render-request.js';

const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
/** Enough rows to size columns by; the rest rarely changes the answer and would cost a full pass. */
const WIDTH_SAMPLE_ROWS = 1_000;
const PROGRESS_EVERY_ROWS = 1_000;
const DATE_FORMAT = 'yyyy-mm-dd';
const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';
// XML 1.0 cannot carry these: exceljs writes them as is and Excel then refuses the whole file.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * One worksheet, streamed row by row so a 100,000-row report never sits in memory twice.
 * Numbers and booleans stay typed; ISO dates become date cells (UTC, shown as written).
 */
export async function renderXlsx(request: RenderRequest, onProgress: RenderProgress = () => {}): Promise<RenderedReport> {
  const { report } = request;
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Nightshift';
  workbook.created = request.generatedAt;
  workbook.title = report.title;
  const sheet = workbook.addWorksheet(sheetName(report.title), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = report.columns.map((column) => ({
    header: clean(column.label),
    key: column.key,
    width: columnWidth(report, column.key, column.label),
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();

  for (const [index, row] of report.rows.entries()) {
    const cells = report.columns.map((column) => toCell(row[column.key] ?? null));
    const added = sheet.addRow(cells.map((cell) => cell.value));
    cells.forEach((cell, column) => {
      if (cell.numFmt) added.getCell(column + 1).numFmt = cell.numFmt;
    });
    added.commit();
    if ((index + 1) % PROGRESS_EVERY_ROWS === 0) onProgress((index + 1) / report.rows.length);
  }
  sheet.commit();
  await workbook.commit();
  onProgress(1);
  const bytes = Buffer.concat(chunks);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), pages: 1 };
}

function toCell(value: ReportCell): { value: ExcelJS.CellValue; numFmt?: string } {
  if (typeof value !== 'string') return { value };
  const date = parseIsoDate(value);
  if (date) return { value: date.date, numFmt: date.dateOnly ? DATE_FORMAT : DATE_TIME_FORMAT };
  return { value: clean(value) };
}

function clean(text: string): string {
  return text.replace(XML_INVALID, '');
}

function columnWidth(report: ReportData, key: string, label: string): number {
  let widest = label.length;
  for (const row of report.rows.slice(0, WIDTH_SAMPLE_ROWS)) {
    const value = row[key] ?? null;
    const length = typeof value === 'string' && parseIsoDate(value) ? 20 : value === null ? 0 : String(value).length;
    widest = Math.max(widest, length);
  }
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
}

/** Excel refuses sheet names over 31 characters or with any of : \ / ? * [ ]. */
function sheetName(title: string): string {
  return (
    title
      .replace(/[:\\/?*[\]]/g, ' ')
      .slice(0, 31)
      .trim() || 'Report'
  );
}
