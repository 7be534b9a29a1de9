import type { ImageProcessingResult, PdfJob, ReportHeader } from '@nightshift/contracts';

/** An image produced by a child job. Without `data` it is named in the PDF instead, saying why. */
export interface EmbeddedImage {
  fileId: string;
  format: ImageProcessingResult['format'];
  width: number;
  height: number;
  data?: Uint8Array;
  skipped?: string;
}

/**
 * Everything a render needs: it crosses into a worker thread as is. The report comes as the
 * stored JSON's bytes, read and checked in the thread (see `readReport`), so neither parsing nor
 * checking a 100,000-row report holds up the main thread, and the rows are never copied
 * between threads as objects.
 */
export interface RenderRequest {
  format: PdfJob['format'];
  source: Uint8Array;
  generatedAt: Date;
  images: EmbeddedImage[];
}

export interface RenderedReport {
  bytes: Uint8Array;
  /** The report's fields but its rows, as read. */
  header: ReportHeader;
  /** Data rows written. */
  rows: number;
  /** PDF pages; a workbook has none. */
  pages?: number;
}

/** A fraction of the render done, from 0 to 1. */
export type RenderProgress = (fraction: number) => void;
