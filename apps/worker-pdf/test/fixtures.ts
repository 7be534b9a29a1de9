import type { ReportData } from '@nightshift/contracts';
import sharp from 'sharp';

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
