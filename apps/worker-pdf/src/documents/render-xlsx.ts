import { PassThrough } from 'node:stream';
import { cellValue, type ReportCell, type ReportHeader, type ReportRow } from '@nightshift/contracts';
import ExcelJS from 'exceljs';
import {
  ColumnTotals,
  cellFormatter,
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  type FormatSettings,
  parseIsoDate,
  type ResolvedColumn,
  resolveColumns,
  TOTALS_LABEL,
} from './cells.js';
import { readReport } from './read-report.js';
import type { RenderedReport, RenderProgress, RenderRequest } from './render-request.js';

const MIN_WIDTH = 8;
const MAX_WIDTH = 60;
/** Rows held back to size columns and infer formats by; the rest rarely changes the answer, and holding them all would not be flat. */
const WIDTH_SAMPLE_ROWS = 1_000;
const HEADER_FILL = 'FFE8EDF3';
const RULE = 'FF4A5A6A';
// XML 1.0 cannot carry these: exceljs writes them as is and Excel then refuses the whole file.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * One worksheet, written as the report is read: each row goes into exceljs's streaming writer
 * and is committed to the zip as soon as it is read, and the writer's output drains between
 * chunks of the report, so memory does not grow with the rows. Values stay typed (numbers,
 * booleans, dates) under number formats from the columns' formats; the header is styled,
 * frozen and filterable; columns are as wide as the first rows' content. Formats the report
 * does not declare are inferred from those first rows too.
 */
export async function renderXlsx(request: RenderRequest, onProgress: RenderProgress = () => {}): Promise<RenderedReport> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  let sheet: SheetWriter | undefined;
  const { rows } = await readReport(request.source, {
    header: (header) => {
      sheet = new SheetWriter(workbook, header, request.generatedAt);
    },
    row: (row) => sheet?.add(row),
    progress: async (fraction) => {
      onProgress(fraction);
      // The event loop's turn: the zip compresses and empties what the rows of this chunk wrote.
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const written = sheet as SheetWriter;
  written.finish();
  await workbook.commit();
  onProgress(1);
  const bytes = Buffer.concat(chunks);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), header: written.header, rows };
}

/** The worksheet of one report: holds its first rows until it knows the columns' widths, then writes each row as it comes. */
class SheetWriter {
  readonly #sheet: ExcelJS.Worksheet;
  readonly #settings: FormatSettings;
  readonly #pending: ReportRow[] = [];
  #columns: ResolvedColumn[] | undefined;
  #toCell: CellWriter[] = [];
  #totals: ColumnTotals | undefined;
  #rows = 0;

  constructor(
    workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    readonly header: ReportHeader,
    generatedAt: Date,
  ) {
    this.#settings = { locale: header.locale ?? DEFAULT_LOCALE, timeZone: header.timeZone ?? DEFAULT_TIME_ZONE };
    workbook.creator = header.author ?? 'Nightshift';
    workbook.created = generatedAt;
    workbook.title = header.title;
    this.#sheet = workbook.addWorksheet(sheetName(header.title), { views: [{ state: 'frozen', ySplit: 1 }] });
  }

  add(row: ReportRow): void {
    if (this.#columns) this.#write(row);
    else {
      this.#pending.push(row);
      if (this.#pending.length === WIDTH_SAMPLE_ROWS) this.#start();
    }
  }

  finish(): void {
    if (!this.#columns) this.#start();
    const columns = this.#columns as ResolvedColumn[];
    const lastDataRow = this.#rows + 1;
    // The filter covers the data rows only, so sorting never moves the totals row into them.
    this.#sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastDataRow, column: columns.length } };
    if (this.#totals?.any) {
      const totals = this.#totals;
      const row = this.#sheet.addRow(
        columns.map((column, index) => {
          const sum = totals.of(column.key);
          if (sum === undefined) return index === 0 ? TOTALS_LABEL : null;
          const letter = this.#sheet.getColumn(index + 1).letter;
          // A formula, so the total follows edits; with its result, so readers that do not recalculate show it too.
          return { formula: `SUM(${letter}2:${letter}${lastDataRow})`, result: sum };
        }),
      );
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.font = { bold: true };
        cell.border = { top: { style: 'thin', color: { argb: RULE } } };
      });
      row.commit();
    }
    this.#sheet.commit();
  }

  /** Columns, widths and the header, from the rows held so far; then those rows. */
  #start(): void {
    const columns = resolveColumns(this.header.columns, this.#pending);
    this.#columns = columns;
    this.#toCell = columns.map((column) => cellWriter(column, this.#settings.timeZone));
    this.#totals = new ColumnTotals(columns);
    const widths = columnWidths(columns, this.#pending, this.#settings);
    // Cells take their column's style (number format, alignment) as they are created.
    this.#sheet.columns = columns.map((column, index) => ({
      key: column.key,
      width: widths[index],
      style: { numFmt: numberFormat(column, this.#settings.locale), alignment: { horizontal: column.align } },
    }));
    const header = this.#sheet.addRow(columns.map((column) => clean(column.label)));
    header.eachCell((cell, index) => {
      cell.font = { bold: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
      cell.border = { bottom: { style: 'thin', color: { argb: RULE } } };
      cell.alignment = { horizontal: columns[index - 1]?.align, vertical: 'middle', wrapText: true };
    });
    header.commit();
    for (const row of this.#pending.splice(0)) this.#write(row);
  }

  #write(row: ReportRow): void {
    const columns = this.#columns as ResolvedColumn[];
    this.#sheet
      .addRow(columns.map((column, index) => (this.#toCell[index] as CellWriter)(cellValue(row, column.key) ?? null)))
      .commit();
    this.#totals?.add(row);
    this.#rows++;
  }
}

type CellWriter = (value: ReportCell) => ExcelJS.CellValue;

function cellWriter(column: ResolvedColumn, timeZone: string): CellWriter {
  if (column.format === 'date' || column.format === 'datetime') {
    const wallClock = wallClockIn(timeZone);
    return (value) => {
      const parsed = typeof value === 'string' ? parseIsoDate(value) : undefined;
      if (!parsed) return typeof value === 'string' ? clean(value) : value;
      // Excel has no time zones: a date-time is written as the wall-clock time the report names.
      return parsed.dateOnly ? parsed.date : wallClock(parsed.date);
    };
  }
  return (value) => (typeof value === 'string' ? clean(value) : value);
}

/**
 * Excel number formats are locale-neutral codes: Excel shows `#,##0.00` with the reader's own
 * separators. Only the currency symbol comes from the report's locale.
 */
function numberFormat(column: ResolvedColumn, locale: string): string | undefined {
  const digits = (decimals: number) => (decimals > 0 ? `.${'0'.repeat(decimals)}` : '');
  switch (column.format) {
    case 'integer':
      return '#,##0';
    case 'decimal':
      return column.decimals === undefined ? undefined : `#,##0${digits(column.decimals)}`;
    case 'percent':
      return `0${digits(column.decimals ?? 0)}%`;
    case 'currency': {
      const currency = new Intl.NumberFormat(locale, { style: 'currency', currency: column.currency });
      const parts = currency.formatToParts(1);
      const symbol = parts.find((part) => part.type === 'currency')?.value ?? column.currency ?? '';
      const number = `#,##0${digits(column.decimals ?? currency.resolvedOptions().maximumFractionDigits ?? 2)}`;
      const before = parts.findIndex((part) => part.type === 'currency') < parts.findIndex((part) => part.type === 'integer');
      const quoted = `"${symbol.replace(/"/g, '')}"`;
      return before ? `${quoted}${number}` : `${number} ${quoted}`;
    }
    case 'date':
      return 'yyyy-mm-dd';
    case 'datetime':
      return 'yyyy-mm-dd hh:mm';
    default:
      return undefined;
  }
}

/** A Date whose UTC fields read as the wall-clock time of `instant` in `timeZone`. */
function wallClockIn(timeZone: string): (instant: Date) => Date {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (instant) => {
    const field = Object.fromEntries(parts.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
    return new Date(
      Date.UTC(
        field.year ?? 0,
        (field.month ?? 1) - 1,
        field.day,
        field.hour,
        field.minute,
        field.second,
        instant.getUTCMilliseconds(),
      ),
    );
  };
}

/** Characters wide: the declared width, else the widest formatted text among the label and the first rows, within bounds. */
function columnWidths(columns: ResolvedColumn[], rows: readonly ReportRow[], settings: FormatSettings): number[] {
  return columns.map((column) => {
    if (column.width !== undefined) return column.width;
    const format = cellFormatter(column, settings);
    let widest = column.label.length;
    for (const row of rows) widest = Math.max(widest, format(cellValue(row, column.key) ?? null).length);
    return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 2));
  });
}

function clean(text: string): string {
  return text.replace(XML_INVALID, '');
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
