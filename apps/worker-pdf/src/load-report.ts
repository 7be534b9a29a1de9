import { ObjectNotFoundError, type Storage, storageKeys } from '@nightshift/storage';
import { UnrecoverableError } from 'bullmq';

/**
 * The bytes of the report the API stored under `reportId`. They are read and checked against
 * the report contract again in the render thread (the file may predate the current schema or
 * have been written by hand; see `readReport`). A missing report does not appear on retry, so
 * it fails the job for good.
 */
export async function loadReport(storage: Storage, reportId: string): Promise<Buffer> {
  const key = storageKeys.report(reportId);
  try {
    return await storage.get(key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      throw new UnrecoverableError(
        `report ${reportId} not found: nothing stored at ${key} (store it with PUT /v1/reports/${reportId})`,
      );
    }
    throw error;
  }
}
