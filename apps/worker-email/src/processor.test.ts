import { describe, expect, it } from 'vitest';
import { maskedAddress } from './processor.js';

describe('maskedAddress', () => {
  it.each([
    ['ada@example.com', 'a***@example.com'],
    ['a@example.com', 'a***@example.com'],
    ['émile.zola@example.fr', 'é***@example.fr'],
    ['"odd@local"@example.com', '"***@example.com'],
    ['no-at-sign', '***'],
  ])('masks %s as %s', (address, masked) => {
    expect(maskedAddress(address)).toBe(masked);
  });
});
