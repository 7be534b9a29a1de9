import type { ReportData } from '@nightshift/contracts';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  columns,
  customerName,
  formattedReport,
  hostile,
  hostileReport,
  image,
  longCustomerName,
  orderId,
  reportSource,
  sampleReport,
} from '../../test/fixtures.js';
import { lineOf, type PageWords, readPdf, readPdfWords, screenshotFirstPage, type Word } from '../../test/pdf-reader.js';
import { renderPdf } from './render-pdf.js';
import type { RenderRequest } from './render-request.js';

const generatedAt = new Date('2026-12-02T13:05:00.000Z');
const request = (overrides: Partial<RenderRequest> = {}): RenderRequest => ({
  format: 'pdf',
  source: reportSource(sampleReport(3)),
  generatedAt,
  images: [],
  ...overrides,
});

const A4 = { short: 595.28, long: 841.89 };

/** Where each word is: its page and its box. */
function findWord(pages: PageWords[], text: string): { page: number; word: Word }[] {
  return pages.flatMap((page, index) => page.words.filter((word) => word.text === text).map((word) => ({ page: index, word })));
}

describe('renderPdf', () => {
  it('shows the title, a readable generation time, the header and every value of a one-page report stored without formats', async () => {
    const rendered = await renderPdf(request());
    const pdf = await readPdf(rendered.bytes);

    expect(rendered).toMatchObject({ pages: 1, rows: 3 });
    expect(pdf.pageCount).toBe(1);
    const [page] = pdf.pages;
    expect(page).toContain('Quarterly invoices');
    expect(page).toContain('Generated December 2, 2026 at 1:05 PM (UTC)');
    expect(page).not.toContain('2026-12-02T13:05:00.000Z');
    for (const column of columns) expect(page).toContain(column.label);
    // Types inferred from the values: numbers, Yes/No, dates as dates.
    for (const value of ['C0001', 'C0003', '10.5', '21', '31.5', 'Yes', 'No', 'Jan 15, 2025', 'Mar 15, 2025'])
      expect(page).toContain(value);
    expect(page).not.toContain('true');
    expect(page).not.toContain('2025-03-15');
    expect(page).toContain('Page 1 of 1');
  });

  it('formats every declared column for the locale, names the zone, right-aligns numbers under right-aligned headers, and totals', async () => {
    const rendered = await renderPdf(request({ source: reportSource(formattedReport(4)) }));
    const [page] = await readPdfWords(rendered.bytes);
    const text = (await readPdf(rendered.bytes)).pages[0] as string;

    expect(text).toContain('Generated December 2, 2026 at 2:05 PM (Europe/Paris)');
    expect(text).toContain('Prepared by Finance team');
    const row = lineOf(page as PageWords, findWord([page as PageWords], orderId(2))[0]?.word as Word).map((word) => word.text);
    // quantity, weight (3 decimals), amount in EUR, discount as a percent, paid, due, updated (Paris time).
    expect(row.join(' ')).toBe('ORD-00002 Customer 2 2,000 0.250 €2,469.00 25.0% Yes Mar 3, 2026 Dec 2, 2026, 2:05 PM');
    const totals = lineOf(page as PageWords, findWord([page as PageWords], 'Total')[0]?.word as Word).map((word) => word.text);
    expect(totals).toEqual(['Total', '10,000', '€12,345.00']);

    // Right edges of a numeric column line up, header included.
    for (const label of ['Quantity', 'Amount']) {
      const header = findWord([page as PageWords], label)[0]?.word as Word;
      const values = (page as PageWords).words.filter((word) => word.yMin > header.yMax && Math.abs(word.xMax - header.xMax) < 1);
      expect(values.length, label).toBeGreaterThanOrEqual(5);
    }
    const customer = findWord([page as PageWords], 'Customer')[0]?.word as Word;
    expect(findWord([page as PageWords], 'Customer').some(({ word }) => word !== customer && word.xMin === customer.xMin)).toBe(
      true,
    );
  });

  it('never splits a row of long names across pages and ends without a blank page (120 rows)', async () => {
    const rows = 120;
    const progress: number[] = [];
    const rendered = await renderPdf(request({ source: reportSource(formattedReport(rows)) }), (fraction) =>
      progress.push(fraction),
    );
    const pages = await readPdfWords(rendered.bytes);
    await screenshotFirstPage(rendered.bytes, 'long-names-120-rows');

    expect(pages.length).toBe(rendered.pages);
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) {
      expect(page.width).toBeCloseTo(A4.long, 1);
      expect(page.height).toBeCloseTo(A4.short, 1);
    }
    const lastWordOfName = (n: number) => longCustomerName(n).split(' ').at(-1) as string;
    for (let n = 1; n <= rows; n++) {
      const [order, ...more] = findWord(pages, orderId(n));
      expect(order, orderId(n)).toBeDefined();
      expect(more).toEqual([]);
      const { page, word } = order as { page: number; word: Word };
      if (n % 3 !== 0) continue;
      // A long name wraps: its first and last words sit on the order's page, the first beside the order id.
      const first = findWord(pages, 'Vandenberghe-Oosterhuis').filter((found) => found.page === page);
      expect(
        first.some((found) => Math.abs(found.word.yMin - word.yMin) < 1),
        orderId(n),
      ).toBe(true);
      const last = findWord(pages, lastWordOfName(n));
      expect(
        last.map((found) => found.page),
        orderId(n),
      ).toEqual([page]);
      expect(last[0]?.word.yMin).toBeGreaterThan(word.yMin);
    }
    pages.forEach((page, index) => {
      const texts = page.words.map((word) => word.text);
      // The header on every page, at least one row on every page, and the page number.
      expect(texts, `page ${index + 1}`).toEqual(expect.arrayContaining(['Order', 'Customer', 'Quantity']));
      expect(
        texts.some((text) => text.startsWith('ORD-')),
        `page ${index + 1}`,
      ).toBe(true);
      expect(texts.join(' ')).toContain(`Page ${index + 1} of ${pages.length}`);
    });
    expect(findWord(pages, 'Total').map((found) => found.page)).toEqual([pages.length - 1]);
    // Progress moves as runs of pages are written, and ends at 1.
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('rasterises page 1 (pdftoppm) into a picture that is an A4 page with ink on it', async () => {
    const rendered = await renderPdf(request({ source: reportSource(formattedReport(30)) }));
    const png = await screenshotFirstPage(rendered.bytes, 'formatted-30-rows');

    const { width, height } = await sharp(png).metadata();
    // 72 dpi: a point is a pixel; 30 rows of these columns take a landscape page.
    expect([width, height]).toEqual([Math.ceil(A4.long), Math.ceil(A4.short)]);
    const { channels } = await sharp(png).stats();
    expect(channels[0]?.min).toBeLessThan(80);
    expect(channels[0]?.mean).toBeGreaterThan(200);
  });

  it('renders a report without rows as one page with its header', async () => {
    const rendered = await renderPdf(request({ source: reportSource(sampleReport(0)) }));
    const pdf = await readPdf(rendered.bytes);
    expect(rendered).toMatchObject({ pages: 1, rows: 0 });
    expect(pdf.pages[0]).toContain('Customer');
    expect(pdf.pages[0]).toContain('Page 1 of 1');
  });

  it('numbers pages across runs of pages, so a long report reads as one document', async () => {
    const rendered = await renderPdf(request({ source: reportSource(sampleReport(1_500)) }));
    const pdf = await readPdf(rendered.bytes);
    expect(pdf.pageCount).toBe(rendered.pages);
    expect(pdf.pageCount).toBeGreaterThan(20);
    pdf.pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${pdf.pageCount}`);
    });
    const all = pdf.pages.join('\n');
    for (let n = 1; n <= 1_500; n += 7) expect(all.split(customerName(n))).toHaveLength(2);
  });

  it('renders hostile strings without crashing; a cell too long for a page ends in an ellipsis', async () => {
    const rendered = await renderPdf(request({ source: reportSource(hostileReport()) }));
    const pdf = await readPdf(rendered.bytes);
    const text = pdf.pages.join('\n');

    expect(pdf.pageCount).toBe(rendered.pages);
    expect(text).toContain('Z…');
    expect(text.match(/Z/g)?.length).toBeGreaterThan(300);
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
    await screenshotFirstPage(rendered.bytes, 'images');

    expect(pdf.images).toEqual([
      { width: 400, height: 200 },
      { width: 120, height: 90 },
    ]);
    expect(pdf.pages[0]).toContain('[image image-c.webp: webp cannot be embedded in a PDF]');
    expect(pdf.pages[0]).toContain('C0003');
  });

  // Issue 19 item 11: a column keyed like an Object.prototype member printed `function Object() { [native code] }`.
  it('reads row values as own properties only: columns keyed toString and constructor show their own value or nothing', async () => {
    const report: ReportData = {
      title: 'Prototype keys',
      columns: [
        { key: 'toString', label: 'Inherited' },
        { key: 'constructor', label: 'Own' },
        { key: 'hasOwnProperty', label: 'Total', format: 'integer', total: true },
      ],
      rows: [{ constructor: 'own value' }, {}],
    };
    const rendered = await renderPdf(request({ source: reportSource(report) }));
    expect(rendered.rows).toBe(2);
    const [page] = (await readPdf(rendered.bytes)).pages;
    expect(page).toContain('own value');
    expect(page).not.toMatch(/native code|function/);
  });
});
