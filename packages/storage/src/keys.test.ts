import { describe, expect, it } from 'vitest';
import { checkKey, outputFileId, storageKeys } from './keys.js';

describe('outputFileId', () => {
  it('gives distinct job ids distinct file ids, where replacing characters made them collide', () => {
    const ids = ['a:b', 'a_b', 'a.b', 'a b', 'a_3ab', 'a/b', 'é', 'repeat:daily:1700000000000', 'report-1'];
    const fileIds = ids.map((id) => outputFileId('pdf', id, 'pdf'));
    expect(new Set(fileIds).size).toBe(ids.length);
    for (const fileId of fileIds) expect(() => checkKey(storageKeys.file(fileId))).not.toThrow();
  });

  it('keeps plain ids readable and the same on every call', () => {
    expect(outputFileId('pdf', 'report-1', 'pdf')).toBe('pdf-report-1.pdf');
    expect(outputFileId('image-processing', 'a:b', 'png')).toBe('image-processing-a_3ab.png');
    expect(outputFileId('image-processing', 'a_b', 'png')).toBe('image-processing-a_5fb.png');
  });

  it('hashes ids too long to escape into a key, still one file per id', () => {
    const long = ':'.repeat(200);
    const fileId = outputFileId('pdf', long, 'pdf');
    expect(fileId).toMatch(/^pdf-\.[0-9a-f]{64}\.pdf$/);
    expect(outputFileId('pdf', `${long}x`, 'pdf')).not.toBe(fileId);
    expect(() => checkKey(storageKeys.file(fileId))).not.toThrow();
  });
});
