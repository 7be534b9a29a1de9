import {
  describeIssues,
  MAX_REPORT_ROWS,
  type ReportHeader,
  type ReportRow,
  reportHeaderSchema,
  reportRowIssue,
  reportRowSchema,
  toJobDataIssues,
} from '@nightshift/contracts';
import { JSONParser } from '@streamparser/json';

/** A stored report that cannot be rendered: its message completes "report <id> at <key> …". */
export class InvalidReportError extends Error {
  override readonly name = 'InvalidReportError';
}

export interface ReportVisitor {
  /** Called once, before the first row, with every field but the rows, checked. */
  header(header: ReportHeader): void;
  /** Each row in order, checked against the header's columns. */
  row(row: ReportRow): void;
  /**
   * The share of the report's bytes read so far, after each chunk of them. Awaited: a writer
   * lets its output drain here, so what it wrote for these rows does not pile up in memory.
   */
  progress?(fraction: number): Promise<void> | void;
}

const HEADER_FIELDS = ['title', 'columns', 'locale', 'timeZone', 'author'];
/** Bytes handed to the parser at a time: progress moves between them. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Reads a stored report's JSON as a stream, checking each part against the report contract as
 * it arrives: the fields before the rows, then each row on its own. Only the row being read is
 * held, so a 100,000-row report costs no more memory than a 1,000-row one to whoever writes
 * rows as they come (the XLSX writer); whoever needs them all (the PDF layout) keeps them.
 * The API stores rows last; fields found after the rows are refused, since rows already
 * written could not follow them. Fields the contract does not know are skipped, so a worker
 * reads reports stored by a newer API.
 */
export async function readReport(source: Uint8Array, visitor: ReportVisitor): Promise<{ rows: number }> {
  const fields: Record<string, unknown> = {};
  let header: ReportHeader | undefined;
  let rows = 0;
  let failure: InvalidReportError | undefined;
  const checkHeader = (): ReportHeader => {
    if (header) return header;
    const parsed = reportHeaderSchema.safeParse(fields);
    if (!parsed.success) throw new InvalidReportError(`is invalid: ${describeIssues(toJobDataIssues(parsed.error))}`);
    header = parsed.data;
    visitor.header(header);
    return header;
  };

  const parser = new JSONParser({ paths: [...HEADER_FIELDS.map((field) => `$.${field}`), '$.rows.*'], keepStack: false });
  parser.onValue = ({ value, key, stack }) => {
    if (failure) return;
    try {
      if (stack.length === 1 && typeof key === 'string') {
        if (header) throw new InvalidReportError(`is invalid: ${key}: must come before rows`);
        fields[key] = value;
        return;
      }
      if (typeof key !== 'number') throw new InvalidReportError('is invalid: rows: must be an array');
      const { columns } = checkHeader();
      if (rows === MAX_REPORT_ROWS) throw new InvalidReportError(`is invalid: rows: must have at most ${MAX_REPORT_ROWS} items`);
      const row = reportRowSchema.safeParse(value);
      if (!row.success) {
        const issues = toJobDataIssues(row.error).map((issue) => ({
          ...issue,
          path: issue.path ? `rows[${key}].${issue.path}` : `rows[${key}]`,
        }));
        throw new InvalidReportError(`is invalid: ${describeIssues(issues)}`);
      }
      const issue = reportRowIssue(columns, row.data);
      if (issue) throw new InvalidReportError(`is invalid: rows[${key}].${issue.key}: ${issue.message}`);
      rows++;
      visitor.row(row.data);
    } catch (error) {
      // The parser would report a callback's error as its own; keep it to rethrow as it is.
      failure = error instanceof InvalidReportError ? error : new InvalidReportError(`could not be read: ${String(error)}`);
      throw failure;
    }
  };

  const write = (step: () => void) => {
    try {
      step();
    } catch (error) {
      if (failure) throw failure;
      throw new InvalidReportError(`is not valid JSON: ${(error as Error).message}`);
    }
  };
  for (let offset = 0; offset < source.length; offset += CHUNK_BYTES) {
    write(() => parser.write(source.subarray(offset, offset + CHUNK_BYTES)));
    await visitor.progress?.(Math.min(1, (offset + CHUNK_BYTES) / source.length));
  }
  write(() => {
    if (!parser.isEnded) parser.end();
  });
  checkHeader();
  return { rows };
}
