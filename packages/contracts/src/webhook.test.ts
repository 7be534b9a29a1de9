import { describe, expect, it } from 'vitest';
import { InvalidJobDataError, parseJobData } from './index.js';

// Its examples are checked with every contract's in contracts.test.ts; here, what it must refuse.
describe('the webhook contract', () => {
  it.each([
    [{}, 'message'],
    [{ message: ' ' }, 'message'],
    [{ message: 'x'.repeat(1_001) }, 'message'],
    [{ message: 'hello', extra: 1 }, ''],
  ])('refuses %j naming "%s"', (data, path) => {
    let error: unknown;
    try {
      parseJobData('webhook', data);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidJobDataError);
    expect((error as InvalidJobDataError).issues.map((issue) => issue.path)).toContain(path);
  });
});
