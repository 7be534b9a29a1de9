import { describe, expect, it } from 'vitest';
import { InvalidJobDataError, parseJobData, WEBHOOK_MAX_PAYLOAD_BYTES } from './index.js';

const valid = { url: 'https://hooks.example.com/in', eventType: 'invoice.paid', payload: { id: 1 } };

// Its examples are checked with every contract's in contracts.test.ts; here, what it must refuse.
describe('the webhook contract', () => {
  it.each([
    [{ ...valid, url: 'ftp://hooks.example.com/in' }, 'url'],
    [{ ...valid, url: 'https://user:secret@hooks.example.com/in' }, 'url'],
    [{ ...valid, url: 'hooks.example.com/in' }, 'url'],
    [{ ...valid, eventType: '' }, 'eventType'],
    [{ ...valid, eventType: 'invoice paid' }, 'eventType'],
    [{ ...valid, payload: ['not', 'an', 'object'] }, 'payload'],
    [{ ...valid, payload: { big: 'x'.repeat(WEBHOOK_MAX_PAYLOAD_BYTES) } }, 'payload'],
    [{ ...valid, endpointId: '../shop' }, 'endpointId'],
    [{ ...valid, secret: 'whsec_x' }, ''],
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

  it('takes a payload up to its limit, counted in UTF-8 bytes', () => {
    const fits = { note: 'é'.repeat((WEBHOOK_MAX_PAYLOAD_BYTES - 20) / 2) };
    expect(parseJobData('webhook', { ...valid, payload: fits }).payload).toEqual(fits);
    expect(() => parseJobData('webhook', { ...valid, payload: { note: 'é'.repeat(WEBHOOK_MAX_PAYLOAD_BYTES / 2) } })).toThrow(
      'payload: must be at most 65536 bytes as JSON',
    );
  });
});
