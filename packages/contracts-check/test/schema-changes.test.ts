import { describe, expect, it } from 'vitest';
import { type Direction, diffSchemas, type JsonSchema } from '../src/schema-changes.js';

const str = { type: 'string' };
/** A closed object, as zod's strictObject writes it. */
const object = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const format = { type: 'string', enum: ['pdf', 'xlsx'] };
const note = { type: 'string', maxLength: 200 };
/** `name` and `format` required, `note` optional. */
const base = object({ name: str, format, note }, ['name', 'format']);
const withNote = (changed: JsonSchema) => object({ name: str, format, note: changed }, ['name', 'format']);
const variants = (...templates: string[]) => ({
  oneOf: templates.map((template) => object({ template: { type: 'string', const: template }, to: str })),
});
const items = (schema: JsonSchema) => ({ type: 'array', items: schema, minItems: 1 });

/** [what changed, direction, before, after, expected changes as `path: change` with their verdict] */
const table: [string, Direction, JsonSchema, JsonSchema, [string, 'breaking' | 'compatible'][]][] = [
  [
    'a new optional field',
    'input',
    base,
    object({ ...base.properties, lang: str }, ['name', 'format']),
    [['$.lang: new optional field', 'compatible']],
  ],
  [
    'a new required field',
    'input',
    base,
    object({ ...base.properties, lang: str }, ['name', 'format', 'lang']),
    [['$.lang: new required field', 'breaking']],
  ],
  [
    'an optional field made required',
    'input',
    base,
    object(base.properties, ['name', 'format', 'note']),
    [['$.note: field made required', 'breaking']],
  ],
  [
    'a required field made optional',
    'input',
    base,
    object(base.properties, ['name']),
    [['$.format: field made optional', 'compatible']],
  ],
  [
    'a removed field',
    'input',
    base,
    object({ name: str, format: format }, ['name', 'format']),
    [['$.note: field removed', 'breaking']],
  ],
  [
    'a narrowed type',
    'input',
    withNote({ type: ['string', 'null'] }),
    withNote(str),
    [['$.note: type string | null became string', 'breaking']],
  ],
  [
    'a widened type (integer to number)',
    'input',
    withNote({ type: 'integer' }),
    withNote({ type: 'number' }),
    [['$.note: type integer became number', 'compatible']],
  ],
  ['a changed type', 'input', withNote(str), withNote({ type: 'boolean' }), [['$.note: type string became boolean', 'breaking']]],
  [
    'a new enum value for input',
    'input',
    base,
    object({ ...base.properties, format: { type: 'string', enum: ['pdf', 'xlsx', 'csv'] } }, ['name', 'format']),
    [['$.format: enum value "csv" added', 'compatible']],
  ],
  [
    'a removed enum value',
    'input',
    base,
    object({ ...base.properties, format: { type: 'string', enum: ['pdf'] } }, ['name', 'format']),
    [['$.format: enum value "xlsx" removed', 'breaking']],
  ],
  [
    'a loosened limit',
    'input',
    base,
    withNote({ type: 'string', maxLength: 500 }),
    [['$.note: maxLength 200 → 500', 'compatible']],
  ],
  ['a tighter limit', 'input', base, withNote({ type: 'string', maxLength: 100 }), [['$.note: maxLength 200 → 100', 'breaking']]],
  [
    'a raised minimum',
    'input',
    withNote({ type: 'integer', minimum: 1 }),
    withNote({ type: 'integer', minimum: 5 }),
    [['$.note: minimum 1 → 5', 'breaking']],
  ],
  ['a raised lower limit on items', 'input', items(str), { ...items(str), minItems: 2 }, [['$: minItems 1 → 2', 'breaking']]],
  [
    'a removed upper limit',
    'input',
    withNote({ type: 'string', maxLength: 10 }),
    withNote(str),
    [['$.note: maxLength 10 removed', 'compatible']],
  ],
  [
    'a new pattern',
    'input',
    base,
    withNote({ type: 'string', maxLength: 200, pattern: '^[a-z]+$' }),
    [['$.note: pattern "^[a-z]+$" added', 'breaking']],
  ],
  [
    'a removed format',
    'input',
    withNote({ type: 'string', format: 'email' }),
    withNote(str),
    [['$.note: format "email" removed', 'compatible']],
  ],
  [
    'a new variant',
    'input',
    variants('welcome'),
    variants('welcome', 'invoice'),
    [['$(template=invoice): variant added', 'compatible']],
  ],
  [
    'a removed variant',
    'input',
    variants('welcome', 'invoice'),
    variants('welcome'),
    [['$(template=invoice): variant removed', 'breaking']],
  ],
  [
    'a change inside a variant, inside an array',
    'input',
    items(variants('welcome')),
    items({ oneOf: [object({ template: { type: 'string', const: 'welcome' } })] }),
    [['$[](template=welcome).to: field removed', 'breaking']],
  ],
  [
    'unlisted fields now accepted',
    'input',
    base,
    { ...base, additionalProperties: true },
    [['$: fields not listed now accepted', 'compatible']],
  ],
  ['only a description', 'input', base, { ...base, description: 'A report job' }, []],
  [
    'an unclassified keyword',
    'input',
    base,
    { ...base, minProperties: 1, propertyNames: { pattern: '^[a-z]+$' } },
    [
      ['$: minProperties 1 added', 'breaking'],
      ['$: propertyNames changed from undefined to {"pattern":"^[a-z]+$"}', 'breaking'],
    ],
  ],
  [
    'a new enum value in a result',
    'output',
    base,
    object({ ...base.properties, format: { type: 'string', enum: ['pdf', 'xlsx', 'csv'] } }, ['name', 'format']),
    [['$.format: enum value "csv" added', 'breaking']],
  ],
  [
    'a new field in a result',
    'output',
    base,
    object({ ...base.properties, pages: { type: 'integer' } }, ['name', 'format', 'pages']),
    [['$.pages: new required field', 'compatible']],
  ],
  [
    'a result field readers rely on, removed',
    'output',
    base,
    object({ format: format, note: note }, ['format']),
    [['$.name: field removed', 'breaking']],
  ],
  [
    'an optional result field removed',
    'output',
    base,
    object({ name: str, format: format }, ['name', 'format']),
    [['$.note: field removed', 'compatible']],
  ],
  ['a result made optional', 'output', base, object(base.properties, ['name']), [['$.format: field made optional', 'breaking']]],
  [
    'a tighter limit in a result',
    'output',
    base,
    withNote({ type: 'string', maxLength: 100 }),
    [['$.note: maxLength 200 → 100', 'compatible']],
  ],
];

describe('diffSchemas classifies each difference', () => {
  it.each(table)('%s (%s)', (_what, direction, before, after, expected) => {
    const changes = diffSchemas(before, after, direction);
    expect(changes.map((change) => [`${change.path}: ${change.change}`, change.breaking ? 'breaking' : 'compatible'])).toEqual(
      expected,
    );
  });

  it('finds nothing between a schema and itself', () => {
    expect(diffSchemas(base, structuredClone(base), 'input')).toEqual([]);
  });
});
