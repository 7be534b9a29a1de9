import { isDeepStrictEqual } from 'node:util';

/**
 * Classifies every difference between two JSON Schemas of one contract part, keyword by keyword,
 * each with the JSON path of the value it concerns. A maintained differ was considered:
 * json-schema-diff reports the sets of values added and removed, not which field changed how, and
 * ignores `format` and `pattern`; a contract review needs "field made required at $.data.name".
 * This covers the keywords zod's `z.toJSONSchema` writes; any other keyword that changes counts
 * as breaking, so nothing unknown passes as compatible.
 */

export type JsonSchema = boolean | { [keyword: string]: unknown };

/** `input`: producers write it and workers read it (a payload). `output`: workers write it and others read it (a result). */
export type Direction = 'input' | 'output';

export interface SchemaChange {
  /** Where in a document of this schema: `$.data.name`, `$.operations[](type=resize).params.width`. */
  path: string;
  change: string;
  breaking: boolean;
}

/** Keywords that describe without constraining: a change to them changes no payload's fate. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'deprecated']);
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
const VARIANTS = ['oneOf', 'anyOf'];
const HANDLED = new Set([
  ...ANNOTATIONS,
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  ...VARIANTS,
  'type',
  'enum',
  'const',
  'pattern',
  'format',
  'properties',
  'required',
  'additionalProperties',
  'items',
]);

export function diffSchemas(before: JsonSchema, after: JsonSchema, direction: Direction, path = '$'): SchemaChange[] {
  return new SchemaDiff(direction).compare(before, after, path);
}

type Schema = { [keyword: string]: unknown };

class SchemaDiff {
  private readonly changes: SchemaChange[] = [];

  constructor(private readonly direction: Direction) {}

  compare(before: JsonSchema, after: JsonSchema, path: string): SchemaChange[] {
    this.schema(asObject(before), asObject(after), path);
    return this.changes;
  }

  /** The new schema accepts more (`loosened`) or fewer (`tightened`) values, or just different ones. */
  private record(path: string, change: string, effect: 'loosened' | 'tightened' | 'changed') {
    // Accepting more breaks nobody who writes, and accepting less nobody who reads.
    this.push(path, change, effect === 'changed' || (effect === 'tightened') === (this.direction === 'input'));
  }

  private push(path: string, change: string, breaking: boolean) {
    this.changes.push({ path, change, breaking });
  }

  private schema(before: Schema, after: Schema, path: string) {
    this.type(before, after, path);
    this.values(before, after, path);
    this.bounds(before, after, path);
    for (const keyword of ['pattern', 'format'] as const) this.constraint(keyword, before[keyword], after[keyword], path);
    this.object(before, after, path);
    if (before.items !== undefined || after.items !== undefined) {
      this.schema(asObject(before.items ?? true), asObject(after.items ?? true), `${path}[]`);
    }
    for (const keyword of VARIANTS) this.variants(keyword, before[keyword], after[keyword], path);
    for (const keyword of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (HANDLED.has(keyword) || isDeepStrictEqual(before[keyword], after[keyword])) continue;
      this.record(path, `${keyword} changed from ${show(before[keyword])} to ${show(after[keyword])}`, 'changed');
    }
  }

  private type(before: Schema, after: Schema, path: string) {
    const was = typeSet(before.type);
    const is = typeSet(after.type);
    if (sameSet(was, is)) return;
    const change = `type ${describeTypes(was)} became ${describeTypes(is)}`;
    if (covers(is, was)) this.record(path, change, 'loosened');
    else if (covers(was, is)) this.record(path, change, 'tightened');
    else this.record(path, change, 'changed');
  }

  private values(before: Schema, after: Schema, path: string) {
    if (!isDeepStrictEqual(before.const, after.const)) {
      if (before.const === undefined) this.record(path, `now only ${show(after.const)}`, 'tightened');
      else if (after.const === undefined) this.record(path, `no longer only ${show(before.const)}`, 'loosened');
      else this.record(path, `${show(before.const)} became ${show(after.const)}`, 'changed');
    }
    const was = Array.isArray(before.enum) ? before.enum : undefined;
    const is = Array.isArray(after.enum) ? after.enum : undefined;
    if (was === undefined && is === undefined) return;
    if (was === undefined) return this.record(path, `now one of ${show(is)}`, 'tightened');
    if (is === undefined) return this.record(path, `no longer limited to ${show(was)}`, 'loosened');
    for (const value of was)
      if (!is.some((other) => isDeepStrictEqual(other, value)))
        this.record(path, `enum value ${show(value)} removed`, 'tightened');
    for (const value of is)
      if (!was.some((other) => isDeepStrictEqual(other, value))) this.record(path, `enum value ${show(value)} added`, 'loosened');
  }

  private bounds(before: Schema, after: Schema, path: string) {
    for (const [keywords, raisingTightens] of [
      [LOWER_BOUNDS, true],
      [UPPER_BOUNDS, false],
    ] as const) {
      for (const keyword of keywords) {
        const was = before[keyword];
        const is = after[keyword];
        if (was === is) continue;
        if (typeof was !== 'number' && typeof is !== 'number') continue;
        const change =
          typeof was !== 'number'
            ? `${keyword} ${is} added`
            : typeof is !== 'number'
              ? `${keyword} ${was} removed`
              : `${keyword} ${was} → ${is}`;
        const tightened = typeof was !== 'number' || (typeof is === 'number' && is > was === raisingTightens);
        this.record(path, change, tightened ? 'tightened' : 'loosened');
      }
    }
  }

  private constraint(keyword: string, was: unknown, is: unknown, path: string) {
    if (isDeepStrictEqual(was, is)) return;
    if (was === undefined) this.record(path, `${keyword} ${show(is)} added`, 'tightened');
    else if (is === undefined) this.record(path, `${keyword} ${show(was)} removed`, 'loosened');
    else this.record(path, `${keyword} ${show(was)} became ${show(is)}`, 'changed');
  }

  private object(before: Schema, after: Schema, path: string) {
    const was = asProperties(before.properties);
    const is = asProperties(after.properties);
    const requiredBefore = new Set(asStrings(before.required));
    const requiredAfter = new Set(asStrings(after.required));
    const closedBefore = before.additionalProperties === false;
    const closedAfter = after.additionalProperties === false;

    for (const [name, schema] of Object.entries(was)) {
      const fieldPath = `${path}.${name}`;
      const other = is[name];
      if (other === undefined) {
        // A writer is refused it now when the object is closed; a reader misses it when it was always there.
        if (this.direction === 'input')
          this.record(fieldPath, 'field removed', closedAfter || requiredAfter.has(name) ? 'tightened' : 'loosened');
        else this.push(fieldPath, 'field removed', requiredBefore.has(name));
        continue;
      }
      this.schema(asObject(schema), asObject(other), fieldPath);
    }
    for (const name of Object.keys(is)) {
      if (name in was) continue;
      const fieldPath = `${path}.${name}`;
      if (requiredAfter.has(name)) this.record(fieldPath, 'new required field', 'tightened');
      // Readers ignore fields they do not know, so a new one in a result breaks none.
      else if (this.direction === 'output') this.push(fieldPath, 'new optional field', false);
      else this.record(fieldPath, 'new optional field', closedBefore ? 'loosened' : 'tightened');
    }
    for (const name of requiredAfter) {
      const listedBoth = name in was && name in is;
      const listedNeither = !(name in was) && !(name in is);
      if (!requiredBefore.has(name) && (listedBoth || listedNeither))
        this.record(`${path}.${name}`, 'field made required', 'tightened');
    }
    for (const name of requiredBefore) {
      if (!requiredAfter.has(name) && name in is) this.record(`${path}.${name}`, 'field made optional', 'loosened');
    }
    if (closedBefore !== closedAfter) {
      this.record(
        path,
        closedAfter ? 'fields not listed now refused' : 'fields not listed now accepted',
        closedAfter ? 'tightened' : 'loosened',
      );
    } else if (!closedBefore && !isDeepStrictEqual(before.additionalProperties, after.additionalProperties)) {
      this.schema(asObject(before.additionalProperties ?? true), asObject(after.additionalProperties ?? true), `${path}.*`);
    }
  }

  /** Variants are matched by a discriminator (a property that is `const` in every variant), else by position. */
  private variants(keyword: string, was: unknown, is: unknown, path: string) {
    if (was === undefined && is === undefined) return;
    const before = asSchemaList(was);
    const after = asSchemaList(is);
    const key = discriminator([...before, ...after]);
    const label = (schema: Schema, index: number) => {
      const value = key ? (asProperties(schema.properties)[key] as Schema | undefined)?.const : undefined;
      return key && value !== undefined ? `(${key}=${String(value)})` : `/${keyword}[${index}]`;
    };
    const afterByLabel = new Map(after.map((schema, index) => [label(schema, index), schema]));
    const beforeLabels = new Set<string>();
    before.forEach((schema, index) => {
      const name = label(schema, index);
      beforeLabels.add(name);
      const other = afterByLabel.get(name);
      // anyOf constrains only in its variants: a variant gone refuses what matched it alone.
      if (other === undefined) this.record(`${path}${name}`, 'variant removed', 'tightened');
      else this.schema(schema, other, `${path}${name}`);
    });
    after.forEach((schema, index) => {
      const name = label(schema, index);
      if (!beforeLabels.has(name)) this.record(`${path}${name}`, 'variant added', 'loosened');
    });
  }
}

function asObject(schema: unknown): Schema {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  return schema as Schema;
}

function asProperties(value: unknown): Record<string, JsonSchema> {
  return typeof value === 'object' && value !== null ? (value as Record<string, JsonSchema>) : {};
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function asSchemaList(value: unknown): Schema[] {
  return Array.isArray(value) ? value.map(asObject) : [];
}

function discriminator(variants: Schema[]): string | undefined {
  const [first, ...rest] = variants;
  if (!first) return undefined;
  return Object.entries(asProperties(first.properties)).find(
    ([name, schema]) =>
      asObject(schema).const !== undefined &&
      rest.every((variant) => asObject(asProperties(variant.properties)[name]).const !== undefined),
  )?.[0];
}

const ALL_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

function typeSet(type: unknown): Set<string> {
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(asStrings(type));
  return new Set(ALL_TYPES);
}

/** Whether every value of the types in `inner` is a value of one in `outer`: an integer is a number. */
function covers(outer: Set<string>, inner: Set<string>): boolean {
  return [...inner].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')));
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

function describeTypes(types: Set<string>): string {
  return types.size === ALL_TYPES.length ? 'any' : [...types].join(' | ');
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
