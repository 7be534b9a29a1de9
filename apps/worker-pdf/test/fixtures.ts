import { type ReportData, reportDataSchema } from '@nightshift/contracts';
import sharp from 'sharp';

/** A report as the API stores it: checked against the contract, and written in its field order (rows last). */
export function reportSource(report: ReportData): Uint8Array {
  return Buffer.from(JSON.stringify(reportDataSchema.parse(report)));
}

/** Columns as reports were stored before formats existed: `{ key, label }` only. */
export const columns = [
  { key: 'id', label: 'ID' },
  { key: 'customer', label: 'Customer' },
  { key: 'amount', label: 'Amount' },
  { key: 'paid', label: 'Paid' },
  { key: 'due', label: 'Due date' },
];

/** `count` single-line rows whose values are easy to find in extracted text: C0001, C0002, ... */
export function sampleReport(count: number, title = 'Quarterly invoices'): ReportData {
  return {
    title,
    columns,
    rows: Array.from({ length: count }, (_, index) => ({
      id: index + 1,
      customer: customerName(index + 1),
      amount: (index + 1) * 10.5,
      paid: index % 2 === 0,
      due: `2025-${String((index % 12) + 1).padStart(2, '0')}-15`,
    })),
  };
}

export const customerName = (n: number) => `C${String(n).padStart(4, '0')}`;

/** Every column format, declared, with totals; long customer names on every third row wrap to two or three lines. */
export function formattedReport(count: number, overrides: Partial<ReportData> = {}): ReportData {
  return {
    title: 'Quarterly sales',
    locale: 'en-US',
    timeZone: 'Europe/Paris',
    author: 'Finance team',
    columns: [
      { key: 'order', label: 'Order', format: 'text' },
      { key: 'customer', label: 'Customer', format: 'text' },
      { key: 'quantity', label: 'Quantity', format: 'integer', total: true },
      { key: 'weight', label: 'Weight (kg)', format: 'decimal', decimals: 3 },
      { key: 'amount', label: 'Amount', format: 'currency', currency: 'EUR', total: true },
      { key: 'discount', label: 'Discount', format: 'percent' },
      { key: 'paid', label: 'Paid', format: 'boolean' },
      { key: 'due', label: 'Due', format: 'date' },
      { key: 'updated', label: 'Updated', format: 'datetime' },
    ],
    rows: Array.from({ length: count }, (_, index) => {
      const n = index + 1;
      return {
        order: orderId(n),
        customer: n % 3 === 0 ? longCustomerName(n) : `Customer ${n}`,
        quantity: n * 1_000,
        weight: n / 8,
        amount: n * 1234.5,
        discount: (n % 4) / 8,
        paid: n % 2 === 0,
        due: `2026-${String((n % 12) + 1).padStart(2, '0')}-0${(n % 9) + 1}`,
        updated: '2026-12-02T13:05:00Z',
      };
    }),
    ...overrides,
  };
}

export const orderId = (n: number) => `ORD-${String(n).padStart(5, '0')}`;
export const longCustomerName = (n: number) => `Vandenberghe-Oosterhuis International Holdings and Logistics Group branch${n}`;

export const hostile = {
  longWord: 'Z'.repeat(5_000),
  rtl: 'שלום עולם مرحبا بالعالم',
  emoji: '🎉 launch 🚀 👩‍👩‍👧',
  script: '<script>alert("pwned")</script>',
  control: 'bell\u0007 and nul\u0000 inside',
};

export function hostileReport(): ReportData {
  return {
    title: `Hostile ${hostile.script}`,
    columns: [
      { key: 'kind', label: 'Kind' },
      { key: 'text', label: hostile.rtl },
    ],
    rows: Object.entries(hostile).map(([kind, text]) => ({ kind, text })),
  };
}

export function image(format: 'png' | 'jpeg' | 'webp', width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 20 } } })
    .toFormat(format)
    .toBuffer();
}
