import { describe, expect, it } from 'vitest';
import { formattedReport, sampleReport } from '../../test/fixtures.js';
import { fitWidths, LINE, layoutReport, MAX_CELL_LINES, paginate } from './report-layout.js';

describe('paginate', () => {
  const pageOf = (lines: number[], first = 5 * LINE, others = 6 * LINE, tail = 0) =>
    paginate(lines, { firstPage: first, otherPages: others, tail });

  it('fills pages in order and never splits a row', () => {
    // Page 1 has room for 5 lines, later pages for 6: the 3-line row moves whole to the next page.
    expect(pageOf([1, 1, 1, 3, 1, 2, 2, 1])).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 8 },
    ]);
  });

  it('ends on the last row: no trailing page, however exactly the rows fill the pages', () => {
    expect(pageOf([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 11 },
    ]);
  });

  it('keeps the totals row with the last row', () => {
    // 5 one-line rows fill page 1; with a 1-line totals row, the last row moves with it.
    expect(pageOf([1, 1, 1, 1, 1], 5 * LINE, 6 * LINE, LINE)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 5 },
    ]);
  });

  it('starts the table on page 2 when the title block leaves no room on page 1', () => {
    expect(pageOf([2, 1], LINE, 6 * LINE)).toEqual([
      { start: 0, end: 0 },
      { start: 0, end: 2 },
    ]);
  });

  it('lays out a report without rows as one page', () => {
    expect(pageOf([])).toEqual([{ start: 0, end: 0 }]);
  });
});

describe('fitWidths', () => {
  it('spreads spare room over the columns that have no declared width', () => {
    expect(fitWidths([50, 100, 50], [false, false, true], 400)).toEqual([350 / 3, 700 / 3, 50]);
  });

  it('lets narrow columns keep their width when the table is too wide, and the wide ones share the rest', () => {
    expect(fitWidths([40, 600, 900], [false, false, false], 500)).toEqual([40, 230, 230]);
  });
});

describe('layoutReport', () => {
  const generatedAt = new Date('2026-12-02T13:05:00Z');

  it('wraps long cells, counts each row in lines, and caps a cell at MAX_CELL_LINES', () => {
    const report = formattedReport(3);
    (report.rows[0] as Record<string, string>).customer = 'word '.repeat(2_000);
    const layout = layoutReport({ report, generatedAt, images: [] });
    expect(layout.rowLines[0]).toBe(MAX_CELL_LINES);
    expect(layout.cells[0]?.[1]?.split('\n')).toHaveLength(MAX_CELL_LINES);
    expect(layout.cells[0]?.[1]?.endsWith('…')).toBe(true);
    expect(layout.rowLines[1]).toBe(1);
    expect(layout.rowLines[2]).toBeGreaterThan(1);
  });

  it('turns the page when the columns do not fit a portrait page, and fills its width', () => {
    const narrow = layoutReport({ report: sampleReport(5), generatedAt, images: [] });
    const wide = layoutReport({ report: formattedReport(5), generatedAt, images: [] });
    expect(narrow.orientation).toBe('portrait');
    expect(wide.orientation).toBe('landscape');
    for (const layout of [narrow, wide]) {
      const width = layout.columns.reduce((sum, column) => sum + column.widthPt, 0);
      expect(width).toBeCloseTo(layout.page.width - 72);
    }
  });

  it('honours a declared width in characters', () => {
    const report = sampleReport(2);
    const declared = { ...report, columns: report.columns.map((column) => ({ ...column, width: 10 })) };
    const layout = layoutReport({ report: declared, generatedAt, images: [] });
    // Ten "0"s of Helvetica 9 (5.004 pt each) and 4 pt of padding a side, scaled to fill the page.
    const widths = layout.columns.map((column) => column.widthPt);
    expect(new Set(widths.map((width) => width.toFixed(2))).size).toBe(1);
  });
});
