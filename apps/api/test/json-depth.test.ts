import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../src/lib/json-depth.js';

const nested = (depth: number) => `${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`;

describe('nestsDeeperThan', () => {
  it('takes JSON as deep as the limit and refuses one level more', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(`[${nested(MAX_JSON_DEPTH)}]`, MAX_JSON_DEPTH)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const brackets = '[[[[[[[[[[';
    expect(nestsDeeperThan(JSON.stringify({ text: brackets, quoted: `\\"${brackets}"\\` }), 3)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify([[[[{ text: '"]]]]' }]]]]), 4)).toBe(true);
  });

  it('counts siblings once: width is not depth', () => {
    expect(nestsDeeperThan(JSON.stringify(Array.from({ length: 1_000 }, () => [[1]])), 3)).toBe(false);
  });
});
