import { describe, expect, it } from 'vitest';
import { failureCause, failureFingerprint, normaliseFailureMessage } from '../src/index.js';

describe('failure fingerprints', () => {
  it('replaces URLs, emails, ids and numbers, so failures of one cause read alike', () => {
    expect(normaliseFailureMessage('POST https://api.resend.com/emails?x=1 answered 502 for ada@example.com')).toBe(
      'POST <url> answered <n> for <email>',
    );
    expect(normaliseFailureMessage('job 7f3c2a1e-9b4d-4c8e-a1f2-3b4c5d6e7f80 has no report r_8f9a7b6c5d')).toBe(
      'job <id> has no report <id>',
    );
    expect(normaliseFailureMessage('crop area 500x500 at (100,0) exceeds image 400x300')).toBe(
      'crop area <n>x<n> at (<n>,<n>) exceeds image <n>x<n>',
    );
  });

  it('takes the class from the stack and the first frame outside node_modules and Node, without line and column', () => {
    const stack = [
      'EmailDeliveryError: provider refused',
      '    at Object.request (/app/node_modules/.pnpm/resend@6/node_modules/resend/dist/index.js:10:3)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      '    at ResendTransport.send (/app/apps/worker-email/dist/transports/resend-transport.js:42:11)',
      '    at processEmail (/app/apps/worker-email/dist/processor.js:20:9)',
    ].join('\n');
    expect(failureCause('provider refused', stack)).toEqual({
      errorClass: 'EmailDeliveryError',
      message: 'provider refused',
      frame: 'ResendTransport.send (apps/worker-email/dist/transports/resend-transport.js)',
    });
    // Another release moves the line: the fingerprint stays.
    const moved = stack.replace(':42:11', ':57:3');
    expect(failureFingerprint(failureCause('provider refused', moved))).toBe(
      failureFingerprint(failureCause('provider refused', stack)),
    );
    expect(failureCause('no stack', undefined)).toEqual({ errorClass: 'Error', message: 'no stack', frame: null });
  });

  it('tells causes apart by class, message and frame', () => {
    const base = failureFingerprint({ errorClass: 'Error', message: 'x', frame: 'f (a.js)' });
    expect(failureFingerprint({ errorClass: 'TypeError', message: 'x', frame: 'f (a.js)' })).not.toBe(base);
    expect(failureFingerprint({ errorClass: 'Error', message: 'y', frame: 'f (a.js)' })).not.toBe(base);
    expect(failureFingerprint({ errorClass: 'Error', message: 'x', frame: 'g (a.js)' })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });
});
