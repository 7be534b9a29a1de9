import type { ReportData } from '@nightshift/contracts';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formattedReport, hostile, hostileReport, reportSource, sampleReport } from '../../test/fixtures.js';
import type { RenderRequest } from './render-request.js';
import { renderXlsx } from './render-xlsx.js';

const request = (report: ReportData): RenderRequest => ({
  format: 'xlsx',
  source: reportSource(report),
  generatedAt: new Date('2026-12-02T13:05:00.000Z'),
  images: [],
});

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0] as ExcelJS.Worksheet;
}

describe('renderXlsx', () => {
  it('writes a styled, frozen, filterable header and one typed row per report row', async () => {
    const report = sampleReport(3);
    const rendered = await renderXlsx(request(report));
    const sheet = await readBack(rendered.bytes);

    expect(rendered).toMatchObject({ rows: 3, header: { title: 'Quarterly invoices' } });
    expect(rendered.pages).toBeUndefined();
    expect(sheet.name).toBe('Quarterly invoices');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:E4');
    expect(sheet.getRow(1).values).toEqual([undefined, 'ID', 'Customer', 'Amount', 'Paid', 'Due date']);
    const header = sheet.getRow(1).getCell(3);
    expect(header.font?.bold).toBe(true);
    expect(header.fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EDF3' } });
    expect(header.alignment?.horizontal).toBe('right');
    expect(sheet.rowCount).toBe(4);

    const second = sheet.getRow(3);
    expect(second.getCell(1).value).toBe(2);
    expect(second.getCell(1).numFmt).toBe('#,##0');
    expect(second.getCell(2).value).toBe('C0002');
    expect(second.getCell(3).value).toBe(21);
    expect(second.getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(second.getCell(4).value).toBe(false);
    expect(second.getCell(4).type).toBe(ExcelJS.ValueType.Boolean);
    expect(second.getCell(5).type).toBe(ExcelJS.ValueType.Date);
    expect(second.getCell(5).value).toEqual(new Date('2025-02-15T00:00:00.000Z'));
    expect(second.getCell(5).numFmt).toBe('yyyy-mm-dd');
  });

  it('gives each declared format its number format, date-times in the report time zone, and a totals row of formulas', async () => {
    const sheet = await readBack((await renderXlsx(request(formattedReport(4)))).bytes);
    const row = sheet.getRow(3);
    const formats = [2, 3, 4, 5, 6, 7, 8, 9].map((column) => row.getCell(column).numFmt ?? null);
    expect(formats).toEqual([null, '#,##0', '#,##0.000', '"€"#,##0.00', '0.0%', null, 'yyyy-mm-dd', 'yyyy-mm-dd hh:mm']);
    expect(row.getCell(5).value).toBe(2469);
    expect(row.getCell(6).value).toBe(0.25);
    expect(row.getCell(7).value).toBe(true);
    // 13:05 UTC is 14:05 in Paris: Excel has no zones, so the wall-clock time is written.
    expect(row.getCell(9).value).toEqual(new Date('2026-12-02T14:05:00.000Z'));
    expect(row.getCell(5).alignment?.horizontal).toBe('right');

    const totals = sheet.getRow(6);
    expect(totals.getCell(1).value).toBe('Total');
    expect(totals.getCell(3).value).toEqual({ formula: 'SUM(C2:C5)', result: 10_000 });
    expect(totals.getCell(5).value).toEqual({ formula: 'SUM(E2:E5)', result: 12_345 });
    expect(totals.getCell(5).numFmt).toBe('"€"#,##0.00');
    expect(totals.getCell(3).font?.bold).toBe(true);
    // The filter stops above the totals, so sorting never moves them into the data.
    expect(sheet.autoFilter).toBe('A1:I5');
  });

  it('puts the currency symbol where the locale does', async () => {
    const report = formattedReport(1, { locale: 'de-DE' });
    const sheet = await readBack((await renderXlsx(request(report))).bytes);
    expect(sheet.getRow(2).getCell(5).numFmt).toBe('#,##0.00 "€"');
  });

  it('keeps date-times, impossible dates, nulls and missing keys apart', async () => {
    const report: ReportData = {
      title: 'Types',
      columns: [
        { key: 'at', label: 'At' },
        { key: 'bad', label: 'Bad date' },
        { key: 'none', label: 'None' },
        { key: 'text', label: 'Numeric text' },
      ],
      rows: [{ at: '2025-01-31T23:59:59Z', bad: '2025-02-30', none: null, text: '00123' }, { at: '2025-01-01T12:00:00+01:00' }],
    };
    const sheet = await readBack((await renderXlsx(request(report))).bytes);

    expect(sheet.getCell('A2').value).toEqual(new Date('2025-01-31T23:59:59.000Z'));
    expect(sheet.getCell('A2').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getCell('A3').value).toEqual(new Date('2025-01-01T11:00:00.000Z'));
    expect(sheet.getCell('B2').value).toBe('2025-02-30');
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.Null);
    // A string of digits stays a string: leading zeros are data.
    expect(sheet.getCell('D2').value).toBe('00123');
    expect(sheet.getCell('B3').type).toBe(ExcelJS.ValueType.Null);
  });

  it('sizes columns to their formatted content within bounds, or as declared', async () => {
    const report = {
      title: 'Widths',
      columns: [
        { key: 'a', label: 'A' },
        { key: 'b', label: 'Label of medium size' },
        { key: 'c', label: 'C' },
        { key: 'd', label: 'D', width: 30 },
      ],
      rows: [{ a: 1, b: 'short', c: 'x'.repeat(500), d: 'y' }],
    };
    const sheet = await readBack((await renderXlsx(request(report))).bytes);

    expect(sheet.getColumn(1).width).toBe(8);
    expect(sheet.getColumn(2).width).toBe('Label of medium size'.length + 2);
    expect(sheet.getColumn(3).width).toBe(60);
    expect(sheet.getColumn(4).width).toBe(30);
  });

  it('keeps hostile strings intact, strips only what XML cannot carry, and names the sheet safely', async () => {
    const sheet = await readBack((await renderXlsx(request(hostileReport()))).bytes);
    const text = (row: number) => sheet.getRow(row).getCell(2).value;

    expect(sheet.name).toBe('Hostile <script>alert("pwned")<');
    expect(sheet.getRow(1).getCell(2).value).toBe(hostile.rtl);
    expect(text(2)).toBe(hostile.longWord);
    expect(text(3)).toBe(hostile.rtl);
    expect(text(4)).toBe(hostile.emoji);
    expect(text(5)).toBe(hostile.script);
    expect(text(6)).toBe('bell and nul inside');
  });

  it('reports progress as rows are read and written, up to the end', async () => {
    const progress: number[] = [];
    await renderXlsx(request(sampleReport(10_000)), (fraction) => progress.push(fraction));
    expect(new Set(progress).size).toBeGreaterThanOrEqual(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
  });
});
