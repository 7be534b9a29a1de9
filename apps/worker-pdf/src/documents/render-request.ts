import type { ImageProcessingResult, PdfJob, ReportData } from '@nightshift/contracts';

/** An image produced by a child job. Without `data` it is named in the PDF instead, saying why. */
export interface EmbeddedImage {
  fileId: string;
  format: ImageProcessingResult['format'];
  width: number;
  height: number;
  data?: Uint8Array;
  skipped?: string;
}

/** Everything a render needs, already loaded and validated: it crosses into a worker thread as is. */
export interface RenderRequest {
  format: PdfJob['format'];
  report: ReportData;
  generatedAt: Date;
  images: EmbeddedImage[];
}

export interface RenderedReport {
  bytes: Uint8Array;
  /** Data rows written. */
  rows: number;
  /** PDF pages; a workbook has none. */
  pages?: number;
}

/** A fraction of the render done, from 0 to 1. */
export type RenderProgress = (fraction: number) => void;
