import { describe, expect, it } from 'vitest';
import { columns, customerName, hostile, hostileReport, image, sampleReport } from '../../test/fixtures.js';
import { readPdf } from '../../test/pdf-reader.js';
import { renderPdf } from './render-pdf.js';
import type { RenderRequest } from './render-request.js';

const generatedAt = new Date('2025-06-01T08:30:00.000Z');
const request = (overrides: Partial<RenderRequest> = {}): RenderRequest => ({
  format: 'pdf',
  report: sampleReport(3),
  owner: 'user_42',
  generatedAt,
  images: [],
  ...overrides,
});

describe('renderPdf', () => {
  it('shows the title, owner, generation time, header and every value of a one-page report', async () => {
    const rendered = await renderPdf(request());
    const pdf = await readPdf(rendered.bytes);

    expect(rendered.pages).toBe(1);
    expect(pdf.pageCount).toBe(1);
    const [page] = pdf.pages;
    expect(page).toContain('Quarterly invoices');
    expect(page).toContain('Owner: user_42');
    expect(page).toContain('Generated at: 2025-06-01T08:30:00.000Z');
    for (const column of columns) expect(page).toContain(column.label);
    for (const value of ['C0001', 'C0002', 'C0003', '10.5', '21', '31.5', 'true', 'false', '2025-03-15'])
      expect(page).toContain(value);
    expect(page).toContain('Page 1 of 1');
  });

  it('repeats the header on every page, numbers the pages and loses no row across page breaks', async () => {
    const rows = 150;
    const progress: number[] = [];
    const rendered = await renderPdf(request({ report: sampleReport(rows) }), (fraction) => progress.push(fraction));
    const pdf = await readPdf(rendered.bytes);

    expect(pdf.pageCount).toBeGreaterThanOrEqual(3);
    expect(rendered.pages).toBe(pdf.pageCount);
    pdf.pages.forEach((page, index) => {
      for (const column of columns) expect(page).toContain(column.label);
      expect(page).toContain(`Page ${index + 1} of ${pdf.pageCount}`);
    });
    // Each customer on exactly one page: no row cut in two, dropped or repeated.
    for (let n = 1; n <= rows; n++) {
      expect(pdf.pages.filter((page) => page.includes(customerName(n)))).toHaveLength(1);
    }
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('starts each section on a new page and keeps numbering pages across sections', async () => {
    const { ReportDocument } = await import('./report-document.js');
    const { renderToBuffer } = await import('@react-pdf/renderer');
    const buffer = await renderToBuffer(
      <ReportDocument report={sampleReport(50)} owner="u" generatedAt={generatedAt} images={[]} sectionRows={20} />,
    );
    const pdf = await readPdf(buffer);

    // 50 rows would fit on two pages; sections of 20, 20 and 10 rows take one page each.
    expect(pdf.pageCount).toBe(3);
    expect(pdf.pages[0]).toContain('C0020');
    expect(pdf.pages[1]).toContain('C0021');
    expect(pdf.pages[1]).not.toContain('C0020');
    expect(pdf.pages[2]).toContain('C0041');
    pdf.pages.forEach((page, index) => {
      expect(page).toContain('Customer');
      expect(page).toContain(`Page ${index + 1} of 3`);
    });
    expect(pdf.pages[1]).not.toContain('Quarterly invoices');
  });

  it('renders hostile strings without crashing and without losing any of the long word', async () => {
    const rendered = await renderPdf(request({ report: hostileReport() }));
    const pdf = await readPdf(rendered.bytes);
    // Without the generation time, whose trailing "Z" would count as one more.
    const text = pdf.pages.join('\n').replace(generatedAt.toISOString(), '');

    expect(pdf.pageCount).toBe(rendered.pages);
    // The 5,000-character word wraps inside its cell over several pages; every character survives.
    expect(pdf.pageCount).toBeGreaterThan(1);
    expect(text.match(/Z/g)).toHaveLength(hostile.longWord.length);
    expect(text).toContain(hostile.script);
    expect(text).toContain('Hostile <script>');
    for (const kind of ['rtl', 'emoji', 'control']) expect(text).toContain(kind);
  });

  it('embeds PNG and JPEG images from child jobs, scaled down, and names the ones it cannot embed', async () => {
    const [png, jpeg] = await Promise.all([image('png', 400, 200), image('jpeg', 120, 90)]);
    const rendered = await renderPdf(
      request({
        images: [
          { fileId: 'image-a.png', format: 'png', width: 400, height: 200, data: png },
          { fileId: 'image-b.jpeg', format: 'jpeg', width: 120, height: 90, data: jpeg },
          { fileId: 'image-c.webp', format: 'webp', width: 50, height: 50, skipped: 'webp cannot be embedded in a PDF' },
        ],
      }),
    );
    const pdf = await readPdf(rendered.bytes);

    expect(pdf.images).toEqual([
      { width: 400, height: 200 },
      { width: 120, height: 90 },
    ]);
    expect(pdf.pages[0]).toContain('[image image-c.webp: webp cannot be embedded in a PDF]');
    expect(pdf.pages[0]).toContain('C0003');
  });
});
