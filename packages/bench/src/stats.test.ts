import { describe, expect, it } from 'vitest';
import { median, percentile } from './stats.js';

describe('median and percentile', () => {
  it('takes the middle of an odd count and the lower middle of an even one', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2);
  });

  it('uses the nearest rank, so p99 of 100 samples is the 99th smallest', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for no samples rather than a number that looks measured', () => {
    expect(median([])).toBeNaN();
  });
});
