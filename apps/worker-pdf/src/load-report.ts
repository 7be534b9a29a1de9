import { describeIssues, type ReportData, reportDataSchema, toJobDataIssues } from '@nightshift/contracts';
import { ObjectNotFoundError, type Storage, storageKeys } from '@nightshift/storage';
import { UnrecoverableError } from 'bullmq';

/**
 * The report the API stored under `reportId`, validated again: the file may predate the
 * current schema or have been written by hand. Neither a missing nor a malformed report
 * gets better on retry, so both fail the job for good.
 */
export async function loadReport(storage: Storage, reportId: string): Promise<ReportData> {
  const key = storageKeys.report(reportId);
  let raw: Buffer;
  try {
    raw = await storage.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new UnrecoverableError(
        `report ${reportId} not found: nothing stored at ${key} (store it with PUT /v1/reports/${reportId})`,
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new UnrecoverableError(`report ${reportId} at ${key} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = reportDataSchema.safeParse(json);
  if (!parsed.success) {
    throw new UnrecoverableError(`report ${reportId} at ${key} is invalid: ${describeIssues(toJobDataIssues(parsed.error))}`);
  }
  return parsed.data;
}
