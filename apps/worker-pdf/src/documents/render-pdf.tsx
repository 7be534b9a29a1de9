import { renderToBuffer } from '@react-pdf/renderer';
import type { LayoutEvent, RenderedReport, RenderProgress, RenderRequest } from './render-request.js';
import { ReportDocument } from './report-document.js';

/** Breaking sections into pages is most of the work; the final pass that numbers pages is the rest. */
const PAGINATION_SHARE = 0.8;

/** Lays out and writes the PDF. Synchronous CPU work for most of its duration: run it off the main thread. */
export async function renderPdf(request: RenderRequest, onProgress: RenderProgress = () => {}): Promise<RenderedReport> {
  let pages = 0;
  const onLayout = (event: LayoutEvent) => {
    if ('section' in event) {
      onProgress(PAGINATION_SHARE * (event.section / event.sections));
    } else {
      pages = event.totalPages;
      onProgress(PAGINATION_SHARE + (1 - PAGINATION_SHARE) * (event.page / event.totalPages));
    }
  };
  const buffer = await renderToBuffer(
    <ReportDocument
      report={request.report}
      owner={request.owner}
      generatedAt={request.generatedAt}
      images={request.images}
      onLayout={onLayout}
    />,
  );
  return { bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), pages };
}
