import type { ReportHeader, ReportRow } from '@nightshift/contracts';
import { renderToBuffer } from '@react-pdf/renderer';
import { PDFDocument } from 'pdf-lib';
import { readReport } from './read-report.js';
import type { RenderedReport, RenderProgress, RenderRequest } from './render-request.js';
import { ReportPages } from './report-document.js';
import { layoutReport } from './report-layout.js';

/**
 * Pages per react-pdf render. react-pdf holds a whole document's layout (every glyph of every
 * page) until it writes the file, and a document-wide pass of its layout grows with the square of
 * the nodes: runs of pages keep both small, and give progress as each run is written.
 */
export const PAGES_PER_RUN = 20;
/** Reading the report, then formatting and wrapping every cell, come before any page is drawn. */
const READ_SHARE = 0.05;
const LAYOUT_SHARE = 0.1;

/**
 * Lays out and writes the PDF: cells wrapped and rows packed into pages first (see
 * `layoutReport`), then react-pdf draws runs of pages, and pdf-lib joins the runs into one
 * document. Synchronous CPU work for most of its duration: run it off the main thread.
 */
export async function renderPdf(request: RenderRequest, onProgress: RenderProgress = () => {}): Promise<RenderedReport> {
  const { generatedAt, images } = request;
  let header: ReportHeader | undefined;
  const rows: ReportRow[] = [];
  await readReport(request.source, {
    header: (read) => {
      header = read;
    },
    row: (row) => rows.push(row),
    progress: (fraction) => onProgress(READ_SHARE * fraction),
  });
  // readReport calls `header` before it returns, or throws.
  const report = { ...(header as ReportHeader), rows };
  const layout = layoutReport({ report, generatedAt, images });
  const total = layout.pages.length;
  onProgress(LAYOUT_SHARE);

  const document = await PDFDocument.create({ updateMetadata: false });
  for (let from = 0; from < total; from += PAGES_PER_RUN) {
    const to = Math.min(total, from + PAGES_PER_RUN);
    const run = await PDFDocument.load(await renderToBuffer(<ReportPages layout={layout} from={from} to={to} />), {
      updateMetadata: false,
    });
    for (const page of await document.copyPages(run, run.getPageIndices())) document.addPage(page);
    onProgress(LAYOUT_SHARE + (1 - LAYOUT_SHARE) * (to / total));
  }
  document.setTitle(report.title, { showInWindowTitleBar: true });
  if (report.author) document.setAuthor(report.author);
  document.setCreator('Nightshift');
  document.setProducer('Nightshift');
  document.setCreationDate(generatedAt);
  document.setModificationDate(generatedAt);
  if (report.locale) document.setLanguage(report.locale);
  const bytes = await document.save();
  return { bytes, header: header as ReportHeader, pages: total, rows: rows.length };
}
