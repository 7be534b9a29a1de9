import { afterEach, describe, expect, it } from 'vitest';
import { reportSource, sampleReport } from '../test/fixtures.js';
import { readPdf } from '../test/pdf-reader.js';
import type { RenderRequest } from './documents/render-request.js';
import { RenderFailedError, RenderPool } from './render-pool.js';

const request = (overrides: Partial<RenderRequest> = {}): RenderRequest => ({
  format: 'pdf',
  source: reportSource(sampleReport(5)),
  generatedAt: new Date('2025-06-01T08:30:00.000Z'),
  images: [],
  ...overrides,
});

let pool: RenderPool;
afterEach(() => pool?.close());

describe('RenderPool', () => {
  it('renders PDF and XLSX in a thread and reuses it', async () => {
    pool = new RenderPool({ size: 1 });
    const progress: number[] = [];
    const pdf = await pool.render(request(), { onProgress: (fraction) => progress.push(fraction) });
    const xlsx = await pool.render(request({ format: 'xlsx' }));

    expect((await readPdf(pdf.bytes)).pages[0]).toContain('C0005');
    expect(pdf).toMatchObject({ pages: 1, rows: 5 });
    expect(xlsx).toMatchObject({ rows: 5 });
    expect(progress.at(-1)).toBe(1);
    // An xlsx file is a zip archive.
    expect(Buffer.from(xlsx.bytes.subarray(0, 2)).toString()).toBe('PK');
  });

  it('terminates the thread when the signal aborts, and renders again afterwards', async () => {
    pool = new RenderPool({ size: 1 });
    const controller = new AbortController();
    // Aborts on the first progress message, when the thread is surely mid-render.
    const rendering = pool.render(request({ format: 'xlsx', source: reportSource(sampleReport(5_000)) }), {
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('cancelled by the test')),
    });

    await expect(rendering).rejects.toThrow('cancelled by the test');
    const again = await pool.render(request({ format: 'xlsx' }));
    expect(again.rows).toBe(5);
  });

  it('fails with RenderFailedError, saying what the thread threw, and keeps the thread', async () => {
    pool = new RenderPool({ size: 1 });
    const broken = request({ source: Buffer.from(JSON.stringify({ title: 'No columns', rows: [] })) });

    const failure = await pool.render(broken).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RenderFailedError);
    expect((failure as RenderFailedError).reason).toEqual({
      name: 'InvalidReportError',
      message: expect.stringMatching(/^is invalid: columns: /),
    });
    expect((await pool.render(request())).pages).toBe(1);
  });

  it('queues renders beyond its size and refuses them once closed', async () => {
    pool = new RenderPool({ size: 1 });
    const results = await Promise.all(
      [1, 2, 3].map((n) => pool.render(request({ format: 'xlsx', source: reportSource(sampleReport(n)) }))),
    );
    expect(results.map((result) => result.rows)).toEqual([1, 2, 3]);

    await pool.close();
    await expect(pool.render(request())).rejects.toThrow('render pool closed');
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new RenderPool({ size: 0 })).toThrow('RenderPool size must be a positive integer, got 0');
  });
});
