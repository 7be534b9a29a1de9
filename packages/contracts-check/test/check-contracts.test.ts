import { defineContract, type JobContract, toContractDocument, type Upcaster } from '@nightshift/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CurrentContract, checkContracts } from '../src/check-contracts.js';

const result = z.strictObject({ fileId: z.string() });
/** Version 1 as released: `userId` optional. */
const released = defineContract({
  version: 1,
  data: z.strictObject({ reportId: z.string(), userId: z.string().optional() }),
  result,
  upcasters: [],
  examples: [{ reportId: 'r1', userId: 'u1' }],
});
/** The breaking change under review: `userId` made required. */
const requiredUserId = z.strictObject({ reportId: z.string(), userId: z.string() });
const fillUserId: Upcaster = {
  from: 1,
  upgrade: (payload) => ({ userId: 'unknown', ...payload }),
  examples: [{ before: { reportId: 'r1' }, after: { userId: 'unknown', reportId: 'r1' } }],
};

const current = (contract: JobContract, queue = 'report'): CurrentContract => ({
  queue,
  contract,
  document: toContractDocument(queue, contract),
});
const check = (...now: CurrentContract[]) => checkContracts([toContractDocument('report', released)], now);

describe('checkContracts', () => {
  it('refuses a raised version without upcasters even for a compatible change: queued jobs of the released version would fail', () => {
    const widened = defineContract({ ...released, version: 2, data: released.data.extend({ note: z.string().optional() }) });
    const [report] = check(current(widened));
    expect(report?.changes.every((change) => !change.breaking)).toBe(true);
    expect(report?.problems).toEqual([
      'add upcasters from version 1: the first one upgrades from 2, so released payloads would fail',
    ]);
  });

  it('passes an unchanged contract and a compatible change at the same version', () => {
    const widened = defineContract({ ...released, data: released.data.extend({ note: z.string().optional() }) });
    expect(check(current(released))).toMatchObject([{ queue: 'report', changes: [], problems: [] }]);
    expect(check(current(widened))).toMatchObject([
      { changes: [{ part: 'data', path: '$.note', change: 'new optional field', breaking: false }], problems: [] },
    ]);
  });

  it('refuses a breaking change at the released version, naming the field and what to do', () => {
    const [report] = check(current(defineContract({ ...released, data: requiredUserId })));
    expect(report?.changes).toEqual([{ part: 'data', path: '$.userId', change: 'field made required', breaking: true }]);
    expect(report?.problems).toEqual(['raise its version to 2 and add an upcaster from 1 that upgrades released payloads']);
  });

  it('refuses a raised version without an upcaster from the released one', () => {
    const [report] = check(current(defineContract({ ...released, version: 2, data: requiredUserId })));
    expect(report?.problems).toEqual([
      'add upcasters from version 1: the first one upgrades from 2, so released payloads would fail',
    ]);
  });

  it('passes a raised version whose upcaster takes released payloads to valid current ones', () => {
    const [report] = check(current(defineContract({ ...released, version: 2, data: requiredUserId, upcasters: [fillUserId] })));
    expect(report?.problems).toEqual([]);
    expect(report?.coveredBy).toBe('version 1 → 2, upcasters from 1, their examples checked against both schemas');
  });

  it('refuses an upcaster whose example is no released payload, or does not upgrade to a valid one', () => {
    const wrongExample: Upcaster = {
      ...fillUserId,
      examples: [{ before: { reportId: 7 }, after: { userId: 'unknown', reportId: 7 } }],
    };
    const [notReleased] = check(
      current(defineContract({ ...released, version: 2, data: requiredUserId, upcasters: [wrongExample] })),
    );
    expect(notReleased?.problems).toEqual([
      "the upcaster from 1's example 1 is not a payload the released version 1 accepts: /reportId must be string",
    ]);
    const forgetful: Upcaster = { ...fillUserId, upgrade: (payload) => payload };
    const [invalid] = check(current(defineContract({ ...released, version: 2, data: requiredUserId, upcasters: [forgetful] })));
    expect(invalid?.problems).toEqual([
      "the upcaster from 1's example 1 does not upgrade to a valid version 2 payload: invalid report job data (upgraded from contract version 1 to 2): userId: Invalid input: expected string, received undefined",
    ]);
  });

  it('lets a breaking result change through only with a raised version, whose upcasters keep queued jobs running', () => {
    const renamedResult = z.strictObject({ file: z.string() });
    const [same] = check(current(defineContract({ ...released, result: renamedResult })));
    expect(same?.changes.filter((change) => change.breaking)).toEqual([
      { part: 'result', path: '$.fileId', change: 'field removed', breaking: true },
    ]);
    expect(same?.problems).toEqual(['raise its version to 2 and add an upcaster from 1 that upgrades released payloads']);
    const unchangedPayload: Upcaster = {
      from: 1,
      upgrade: (payload) => payload,
      examples: [{ before: { reportId: 'r1' }, after: { reportId: 'r1' } }],
    };
    const [raised] = check(
      current(defineContract({ ...released, version: 2, result: renamedResult, upcasters: [unchangedPayload] })),
    );
    expect(raised?.problems).toEqual([]);
    expect(raised?.coveredBy).toBe('version 1 → 2, upcasters from 1, their examples checked against both schemas');
  });

  it('refuses a lowered version, and a queue that is gone or renamed; a new queue is compatible', () => {
    const releasedAt2 = defineContract({ ...released, version: 2, upcasters: [fillUserId] });
    expect(checkContracts([toContractDocument('report', releasedAt2)], [current(released)])[0]?.problems).toEqual([
      'version 1 is lower than the released 2: versions only go up',
    ]);
    const renamed = check(current(released, 'reports'));
    expect(renamed).toMatchObject([
      {
        queue: 'report',
        changes: [{ path: '$', change: 'queue removed or renamed', breaking: true }],
        problems: [expect.stringContaining('is gone')],
      },
      { queue: 'reports', changes: [{ change: 'new queue', breaking: false }], problems: [] },
    ]);
  });
});
