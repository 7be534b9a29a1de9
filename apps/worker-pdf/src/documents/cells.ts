import { type ColumnFormat, cellValue, type ReportCell, type ReportColumn, type ReportRow } from '@nightshift/contracts';

export const DEFAULT_LOCALE = 'en-US';
export const DEFAULT_TIME_ZONE = 'UTC';
/** Heads the totals row, in the first column when that column has no sum of its own. */
export const TOTALS_LABEL = 'Total';

/** A column with its format settled: declared, or inferred from its values when the report predates formats. */
export interface ResolvedColumn {
  key: string;
  label: string;
  format: ColumnFormat;
  /** Fixed digits after the point; undefined shows as many as the value has (up to six), for inferred decimals. */
  decimals?: number;
  currency?: string;
  /** Declared width in characters. */
  width?: number;
  total: boolean;
  align: 'left' | 'right';
}

const RIGHT_ALIGNED: readonly ColumnFormat[] = ['integer', 'decimal', 'currency', 'percent'];
const DEFAULT_DECIMALS: Partial<Record<ColumnFormat, number>> = { decimal: 2, percent: 1 };

/** `rows` are what formats are inferred from: all of them, or the first ones when rows are written as they are read. */
export function resolveColumns(columns: readonly ReportColumn[], rows: readonly ReportRow[]): ResolvedColumn[] {
  return columns.map((column) => {
    const format = column.format ?? inferFormat(rows, column.key);
    const inferredDecimal = column.format === undefined && format === 'decimal';
    return {
      key: column.key,
      label: column.label,
      format,
      decimals: inferredDecimal ? undefined : (column.decimals ?? DEFAULT_DECIMALS[format]),
      currency: column.currency,
      width: column.width,
      total: column.total ?? false,
      align: RIGHT_ALIGNED.includes(format) ? 'right' : 'left',
    };
  });
}

/**
 * A format from the values themselves, for columns that declare none: all numbers read as
 * numbers, all booleans as Yes/No, all ISO dates as dates; anything mixed stays text.
 */
function inferFormat(rows: readonly ReportRow[], key: ReportColumn['key']): ColumnFormat {
  let numbers = 0;
  let integers = 0;
  let booleans = 0;
  let dates = 0;
  let dateTimes = 0;
  let others = 0;
  for (const row of rows) {
    const value = cellValue(row, key);
    if (value === undefined || value === null) continue;
    if (typeof value === 'number') {
      numbers++;
      if (Number.isInteger(value)) integers++;
    } else if (typeof value === 'boolean') booleans++;
    else {
      const date = parseIsoDate(value);
      if (!date) others++;
      else if (date.dateOnly) dates++;
      else dateTimes++;
    }
  }
  const kinds = [numbers, booleans, dates + dateTimes, others].filter((count) => count > 0).length;
  if (kinds !== 1 || others > 0) return 'text';
  if (numbers > 0) return integers === numbers ? 'integer' : 'decimal';
  if (booleans > 0) return 'boolean';
  return dateTimes > 0 ? 'datetime' : 'date';
}

export interface FormatSettings {
  locale: string;
  timeZone: string;
}

/** Turns a column's values into the text a reader sees. Intl formatters are built once per column, not per cell. */
export type CellFormatter = (value: ReportCell) => string;

export function cellFormatter(column: ResolvedColumn, { locale, timeZone }: FormatSettings): CellFormatter {
  const number = numberFormat(column, locale);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return (value) => {
    if (value === null) return '';
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    // A text column holds codes and ids as written: no grouping separators in "10001".
    if (typeof value === 'number') return column.format === 'text' ? String(value) : printable(number.format(value));
    if (column.format === 'date' || column.format === 'datetime') {
      const parsed = parseIsoDate(value);
      // Calendar dates are days, not instants: no time zone moves them to the day before.
      if (parsed) return printable(parsed.dateOnly ? date.format(parsed.date) : dateTime.format(parsed.date));
    }
    return value;
  };
}

/**
 * ICU separates French thousands with a narrow no-break space (U+202F), and some locales use
 * thin spaces: characters the PDF's standard fonts do not have. A no-break space (U+00A0) reads
 * the same and never wraps.
 */
function printable(formatted: string): string {
  return formatted.replace(/[\u2009\u202F]/g, '\u00A0');
}

function numberFormat(column: ResolvedColumn, locale: string): Intl.NumberFormat {
  const digits =
    column.decimals === undefined
      ? column.format === 'integer'
        ? { maximumFractionDigits: 0 }
        : column.format === 'currency'
          ? {}
          : { maximumFractionDigits: 6 }
      : { minimumFractionDigits: column.decimals, maximumFractionDigits: column.decimals };
  if (column.format === 'currency')
    return new Intl.NumberFormat(locale, { style: 'currency', currency: column.currency, ...digits });
  if (column.format === 'percent') return new Intl.NumberFormat(locale, { style: 'percent', ...digits });
  return new Intl.NumberFormat(locale, digits);
}

/** Sums of the columns that ask for a total, added up row by row; exact for integers, floating point otherwise. */
export class ColumnTotals {
  readonly #sums = new Map<string, number>();

  constructor(columns: readonly ResolvedColumn[]) {
    for (const column of columns) if (column.total) this.#sums.set(column.key, 0);
  }

  get any(): boolean {
    return this.#sums.size > 0;
  }

  add(row: ReportRow): void {
    for (const [key, sum] of this.#sums) {
      const value = cellValue(row, key);
      if (typeof value === 'number') this.#sums.set(key, sum + value);
    }
  }

  /** The column's sum, or undefined when it asks for none. */
  of(key: string): number | undefined {
    return this.#sums.get(key);
  }
}

/** "Generated December 2, 2026 at 2:05 PM (Europe/Paris)": the zone is named, never guessed from the server. */
export function describeGeneratedAt(generatedAt: Date, { locale, timeZone }: FormatSettings): string {
  const when = printable(
    new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone }).format(generatedAt),
  );
  return `Generated ${when} (${timeZone})`;
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function isoDateIn(instant: Date, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(instant);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface IsoDate {
  date: Date;
  /** A calendar date without a time of day. */
  dateOnly: boolean;
}

/**
 * A string that is an ISO 8601 date or date-time, as a Date. Times without an offset are
 * read as UTC so the result does not depend on the worker's time zone; impossible dates
 * (2024-02-30) stay strings.
 */
export function parseIsoDate(value: string): IsoDate | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, , , zone] = match;
  const dateOnly = hour === undefined;
  const normalized = dateOnly ? `${year}-${month}-${day}T00:00:00Z` : `${value.replace(' ', 'T')}${zone ? '' : 'Z'}`;
  const date = new Date(normalized);
  if (Number.isNaN(date.getTime()) || !isCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  return { date, dateOnly };
}

/** Date rolls 2024-02-30 over to March 1st; a rollover means the calendar date did not exist. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
