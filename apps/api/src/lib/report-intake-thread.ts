import { type JobDataIssue, reportDataSchema } from '@nightshift/contracts';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import secureJson from 'secure-json-parse';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { validationIssues } from './validation-issues.js';

/** What the thread makes of an uploaded report's bytes: the JSON to store, or why not. */
export type ReportIntake =
  | { outcome: 'stored-form'; json: Uint8Array; rows: number }
  | { outcome: 'empty' }
  | { outcome: 'too-deep' }
  | { outcome: 'invalid-json' }
  | { outcome: 'invalid'; issues: JobDataIssue[] };

/**
 * Runs in a worker thread (see `ReportIntakePool`): the checks a JSON route's body gets on the
 * main thread (nesting depth, JSON with no `__proto__` or `constructor.prototype` key, the contract)
 * and the JSON the API stores, for a body that would hold the event loop for a second.
 */
export default function takeReport(body: Uint8Array): ReportIntake | ReturnType<typeof move> {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (text === '') return { outcome: 'empty' };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return { outcome: 'too-deep' };
  let parsed: unknown;
  try {
    parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { outcome: 'invalid-json' };
  }
  const result = reportDataSchema.safeParse(parsed);
  if (!result.success) return { outcome: 'invalid', issues: validationIssues(result.error) };
  // Encoded here, and moved to the main thread rather than copied: either would cost it milliseconds per megabyte.
  const json = new TextEncoder().encode(JSON.stringify(result.data));
  const stored: ReportIntake = { outcome: 'stored-form', json, rows: result.data.rows.length };
  const memory = ownMemory(json);
  return memory ? move({ [transferableSymbol]: [memory], [valueSymbol]: stored }) : stored;
}

/** The bytes' memory when they are all of it, so it can move to another thread; else (a slice of a shared pool) none. */
export function ownMemory(bytes: Uint8Array): ArrayBuffer | undefined {
  const memory = bytes.buffer;
  return memory instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === memory.byteLength ? memory : undefined;
}
