import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { hostile, hostileReport, sampleReport } from '../../test/fixtures.js';
import type { RenderRequest } from './render-request.js';
import { renderXlsx } from './render-xlsx.js';

const request = (report: RenderRequest['report']): RenderRequest => ({
  format: 'xlsx',
  report,
  owner: 'user_42',
  generatedAt: new Date('2025-06-01T08:30:00.000Z'),
  images: [],
});

async function readBack(bytes: Uint8Array): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0] as ExcelJS.Worksheet;
}

describe('renderXlsx', () => {
  it('writes a bold, frozen header and one typed row per report row', async () => {
    const report = sampleReport(3);
    const rendered = await renderXlsx(request(report));
    const sheet = await readBack(rendered.bytes);

    expect(rendered.pages).toBe(1);
    expect(sheet.name).toBe('Quarterly invoices');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).values).toEqual([undefined, 'ID', 'Customer', 'Amount', 'Paid', 'Due date']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.rowCount).toBe(4);

    const second = sheet.getRow(3);
    expect(second.getCell(1).value).toBe(2);
    expect(second.getCell(2).value).toBe('C0002');
    expect(second.getCell(3).value).toBe(21);
    expect(second.getCell(3).type).toBe(ExcelJS.ValueType.Number);
    expect(second.getCell(4).value).toBe(false);
    expect(second.getCell(4).type).toBe(ExcelJS.ValueType.Boolean);
    expect(second.getCell(5).type).toBe(ExcelJS.ValueType.Date);
    expect(second.getCell(5).value).toEqual(new Date('2025-02-15T00:00:00.000Z'));
    expect(second.getCell(5).numFmt).toBe('yyyy-mm-dd');
  });

  it('keeps date-times, impossible dates, nulls and missing keys apart', async () => {
    const report: RenderRequest['report'] = {
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
    expect(sheet.getCell('A2').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getCell('A3').value).toEqual(new Date('2025-01-01T11:00:00.000Z'));
    expect(sheet.getCell('B2').value).toBe('2025-02-30');
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.Null);
    // A string of digits stays a string: leading zeros are data.
    expect(sheet.getCell('D2').value).toBe('00123');
    expect(sheet.getCell('B3').type).toBe(ExcelJS.ValueType.Null);
  });

  it('sizes columns to their content within bounds', async () => {
    const report = {
      title: 'Widths',
      columns: [
        { key: 'a', label: 'A' },
        { key: 'b', label: 'Label of medium size' },
        { key: 'c', label: 'C' },
      ],
      rows: [{ a: 1, b: 'short', c: 'x'.repeat(500) }],
    };
    const sheet = await readBack((await renderXlsx(request(report))).bytes);

    expect(sheet.getColumn(1).width).toBe(8);
    expect(sheet.getColumn(2).width).toBe('Label of medium size'.length + 2);
    expect(sheet.getColumn(3).width).toBe(60);
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

  it('reports progress up to the end', async () => {
    const progress: number[] = [];
    await renderXlsx(request(sampleReport(2_500)), (fraction) => progress.push(fraction));
    expect(progress).toEqual([0.4, 0.8, 1]);
  });
});
