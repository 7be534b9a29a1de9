import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { invalidPayloads } from '../test/payloads.js';
import { contractJsonSchema, jobContracts, type QueueName, queueNames } from './index.js';

/** A team that is not on TypeScript: a standard draft 2020-12 validator with its defaults (unknown keywords refused) and the formats the schemas name. */
function validator(queue: QueueName, part: 'data' | 'result') {
  const ajv = new Ajv2020({ allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(contractJsonSchema(queue)[part]);
}

describe('the JSON Schema of each contract', () => {
  it('is a draft 2020-12 document per queue with the contract version', () => {
    for (const queue of queueNames) {
      const document = contractJsonSchema(queue);
      expect(document).toMatchObject({ queue, version: jobContracts[queue].version });
      expect(document.data.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(document.result.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  for (const queue of queueNames) {
    it.each(jobContracts[queue].examples.map((data) => [JSON.stringify(data).slice(0, 80), data]))(
      `${queue} accepts what its contract accepts: %s`,
      (_label, data) => {
        const validate = validator(queue, 'data');
        expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
      },
    );
  }

  it.each(invalidPayloads)('%s refuses what its contract refuses: %j (%s)', (queue, data) => {
    expect(validator(queue, 'data')(data)).toBe(false);
  });

  it('describes results too: a worker result passes, one without its size does not', () => {
    const validate = validator('pdf', 'result');
    expect(validate({ fileId: 'pdf-1.pdf', format: 'pdf', bytes: 10, pages: 1 })).toBe(true);
    expect(validate({ fileId: 'pdf-1.pdf', format: 'pdf', pages: 1 })).toBe(false);
  });

  it('hands each caller its own copy', () => {
    const first = contractJsonSchema('pdf');
    first.data.title = 'changed';
    expect(contractJsonSchema('pdf').data.title).toBeUndefined();
  });
});
