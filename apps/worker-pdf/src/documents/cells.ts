import type { ReportCell } from '@nightshift/contracts';

/** How a cell reads in the PDF table. */
export function formatCell(value: ReportCell): string {
  if (value === null) return '';
  return String(value);
}

const UNBROKEN_MAX = 24;
const CHUNK = 12;

/**
 * Break opportunities for the PDF's line breaker. Ordinary words stay whole; a word longer
 * than a narrow column (an id, a URL, a 5,000-character string) is cut into chunks so it
 * wraps inside its cell instead of running across its neighbours.
 */
export function splitLongWord(word: string): string[] {
  if (word.length <= UNBROKEN_MAX) return [word];
  // Split on code points, so an emoji or a surrogate pair is never cut in half.
  const chars = Array.from(word);
  const parts: string[] = [];
  for (let index = 0; index < chars.length; index += CHUNK) parts.push(chars.slice(index, index + CHUNK).join(''));
  return parts;
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
