import { describe, expect, it } from 'vitest';
import { TextMetrics } from './text-metrics.js';

const metrics = new TextMetrics();

describe('TextMetrics', () => {
  it('measures with the AFM widths of the standard fonts', () => {
    // Helvetica: "0" is 556 units, a space 278; bold "W" 944.
    expect(metrics.width('00', 'Helvetica', 10)).toBeCloseTo(11.12);
    expect(metrics.width(' ', 'Helvetica', 9)).toBeCloseTo(2.502);
    expect(metrics.width('W', 'Helvetica-Bold', 10)).toBeCloseTo(9.44);
  });

  it('keeps text that fits on one line, and wraps the rest at spaces', () => {
    expect(metrics.wrap('short', 100, 'Helvetica', 9, 5)).toEqual(['short']);
    const lines = metrics.wrap('the quick brown fox jumps over the lazy dog', 60, 'Helvetica', 9, 10);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join(' ')).toBe('the quick brown fox jumps over the lazy dog');
    for (const line of lines) expect(metrics.width(line, 'Helvetica', 9)).toBeLessThanOrEqual(60);
  });

  it('keeps the line breaks of the text', () => {
    expect(metrics.wrap('one\ntwo\r\nthree', 200, 'Helvetica', 9, 5)).toEqual(['one', 'two', 'three']);
  });

  it('cuts a word wider than the box between code points, never inside an emoji', () => {
    const word = `${'a'.repeat(31)}😀😀😀${'b'.repeat(10)}`;
    const lines = metrics.wrap(word, 40, 'Helvetica', 9, 50);
    expect(lines.join('')).toBe(word);
    expect(lines.length).toBeGreaterThan(1);
    // A lone surrogate would mean a code point was cut in two.
    for (const line of lines) expect(line).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('stops at the most lines allowed, ending the last with an ellipsis', () => {
    const lines = metrics.wrap('Z'.repeat(5_000), 100, 'Helvetica', 9, 4);
    expect(lines).toHaveLength(4);
    expect(lines[3]?.endsWith('…')).toBe(true);
    expect(metrics.width(lines[3] as string, 'Helvetica', 9)).toBeLessThanOrEqual(100);
  });
});
