import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ContractVersionError,
  defineContract,
  InvalidJobDataError,
  jobContracts,
  queueNames,
  UpcastError,
  type Upcaster,
  upgradeJobData,
} from '../index.js';

/**
 * A contract three versions old: version 1 had `amount` in euros as a string, version 2 made it a
 * number of cents, version 3 renamed `to` to `recipient`.
 */
const toCents: Upcaster = {
  from: 1,
  upgrade: ({ amount, ...rest }) => {
    if (typeof amount !== 'string' || !/^\d+(\.\d{1,2})?$/.test(amount)) {
      throw new UpcastError(
        'amount',
        `must be a decimal string such as "12.50" to become amountCents, not ${JSON.stringify(amount)}`,
      );
    }
    return { ...rest, amountCents: Math.round(Number(amount) * 100) };
  },
  examples: [{ before: { to: 'a@example.com', amount: '12.50' }, after: { to: 'a@example.com', amountCents: 1250 } }],
};
const renameTo: Upcaster = {
  from: 2,
  upgrade: ({ to, ...rest }) => ({ ...rest, recipient: to }),
  examples: [{ before: { to: 'a@example.com', amountCents: 1 }, after: { recipient: 'a@example.com', amountCents: 1 } }],
};
const invoice = defineContract({
  version: 3,
  data: z.strictObject({ recipient: z.email(), amountCents: z.int().min(0) }),
  result: z.strictObject({ sent: z.boolean() }),
  upcasters: [toCents, renameTo],
  examples: [{ recipient: 'a@example.com', amountCents: 1250 }],
});

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('upcasters', () => {
  it.each([toCents, renameTo])('the example upcaster from $from gives what its examples say', (upcaster) => {
    for (const { before, after } of upcaster.examples) expect(upcaster.upgrade(before)).toEqual(after);
  });

  it("every upcaster of Nightshift's contracts gives what its examples say, and the last step fits the contract", () => {
    for (const queue of queueNames) {
      const contract = jobContracts[queue];
      for (const upcaster of contract.upcasters) {
        for (const { before, after } of upcaster.examples) {
          expect(upcaster.upgrade(structuredClone(before)), `${queue} ${upcaster.from}→${upcaster.from + 1}`).toEqual(after);
          if (upcaster.from === contract.version - 1) expect(contract.data.safeParse(after).success).toBe(true);
        }
      }
    }
  });
});

describe('upgradeJobData', () => {
  it('takes a payload of the current version as it is, validated', () => {
    expect(upgradeJobData('invoice', invoice, { recipient: 'a@example.com', amountCents: 5 }, 3)).toEqual({
      recipient: 'a@example.com',
      amountCents: 5,
    });
  });

  it('upgrades an older payload through every step, one at a time', () => {
    const before = { to: 'a@example.com', amount: '3.20' };
    expect(upgradeJobData('invoice', invoice, before, 1)).toEqual({ recipient: 'a@example.com', amountCents: 320 });
    expect(before).toEqual({ to: 'a@example.com', amount: '3.20' });
    expect(upgradeJobData('invoice', invoice, { to: 'b@example.com', amountCents: 7 }, 2)).toEqual({
      recipient: 'b@example.com',
      amountCents: 7,
    });
  });

  it('takes a job that recorded no version for version 1: it was written before contracts had versions', () => {
    expect(upgradeJobData('invoice', invoice, { to: 'a@example.com', amount: '1' }, undefined)).toEqual({
      recipient: 'a@example.com',
      amountCents: 100,
    });
  });

  it.each([[0], [-1], [1.5], ['2'], [null], [{}]])(
    'refuses the unknown version %j, naming it, the versions known and the field',
    (recorded) => {
      const error = failure(() => upgradeJobData('invoice', invoice, {}, recorded));
      expect(error).toBeInstanceOf(ContractVersionError);
      expect(error).toMatchObject({
        problem: 'unknown-version',
        details: { path: 'opts.contractVersion', current: 3, recorded },
      });
      expect((error as Error).message).toBe(
        `invoice job records contract version ${JSON.stringify(recorded)} at opts.contractVersion: this worker knows versions 1 to 3`,
      );
    },
  );

  it('refuses a version older than the oldest upcaster as unknown', () => {
    const withoutFirstStep = defineContract({ ...invoice, upcasters: [renameTo] });
    const error = failure(() => upgradeJobData('invoice', withoutFirstStep, {}, 1));
    expect((error as Error).message).toBe(
      'invoice job records contract version 1 at opts.contractVersion: this worker knows versions 2 to 3',
    );
  });

  it('names both versions for a payload newer than its own, so the caller can hold it back', () => {
    const error = failure(() => upgradeJobData('invoice', invoice, {}, 4));
    expect(error).toMatchObject({ problem: 'newer-version', details: { recorded: 4, current: 3 } });
    expect((error as Error).message).toBe("invoice job was produced under contract version 4, newer than this worker's 3");
  });

  it('names the step, the versions and the field when an upcaster throws', () => {
    const error = failure(() => upgradeJobData('invoice', invoice, { to: 'a@example.com', amount: 12 }, 1));
    expect(error).toMatchObject({ problem: 'upcast-failed', details: { path: 'amount', recorded: 1, current: 3 } });
    expect((error as Error).message).toBe(
      'cannot upgrade invoice job from contract version 1 to 2 (produced under 1): amount: must be a decimal string such as "12.50" to become amountCents, not 12',
    );
  });

  it('says "(payload)" for an upcaster that throws something else than an UpcastError', () => {
    const crashing = defineContract({
      ...invoice,
      upcasters: [
        {
          ...toCents,
          upgrade: () => {
            throw new TypeError('Cannot read properties of undefined');
          },
        },
        renameTo,
      ],
    });
    const error = failure(() => upgradeJobData('invoice', crashing, {}, 1));
    expect((error as Error).message).toBe(
      'cannot upgrade invoice job from contract version 1 to 2 (produced under 1): (payload): Cannot read properties of undefined',
    );
  });

  it('validates the upgraded payload, saying it was upgraded', () => {
    const error = failure(() => upgradeJobData('invoice', invoice, { to: 'not-an-address', amount: '1' }, 1));
    expect(error).toBeInstanceOf(InvalidJobDataError);
    expect((error as InvalidJobDataError).issues.map((issue) => issue.path)).toEqual(['recipient']);
    expect((error as Error).message).toMatch(/^invalid invoice job data \(upgraded from contract version 1 to 3\): recipient: /);
  });
});

describe('defineContract', () => {
  const base = { data: z.object({}), result: z.object({}), examples: [{}] as [unknown] };

  it('refuses a version that is not a positive integer', () => {
    expect(() => defineContract({ ...base, version: 0, upcasters: [] })).toThrow(
      'a contract version must be a positive integer, not 0',
    );
    expect(() => defineContract({ ...base, version: 1.5, upcasters: [] })).toThrow('not 1.5');
  });

  it('refuses upcasters that skip, repeat or overshoot a step', () => {
    expect(() => defineContract({ ...base, version: 3, upcasters: [toCents] })).toThrow(
      'the upcasters of a version 3 contract must go 2→3; found one from 1',
    );
    expect(() => defineContract({ ...base, version: 3, upcasters: [renameTo, renameTo] })).toThrow(
      'must go 1→2, 2→3; found one from 2',
    );
    expect(() => defineContract({ ...base, version: 2, upcasters: [toCents, renameTo] })).toThrow(
      'a version 2 contract has 2 upcasters: at most 1',
    );
  });
});
