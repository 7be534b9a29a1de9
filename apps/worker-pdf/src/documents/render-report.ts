import { renderPdf } from './render-pdf.js';
import type { RenderedReport, RenderProgress, RenderRequest } from './render-request.js';
import { renderXlsx } from './render-xlsx.js';

export function renderReport(request: RenderRequest, onProgress?: RenderProgress): Promise<RenderedReport> {
  return request.format === 'pdf' ? renderPdf(request, onProgress) : renderXlsx(request, onProgress);
}
