// After tsc: writes each queue's contract document (JSON Schema of its payload and result) to
// dist/schemas/<queue>.json, from the built package itself, so the files ship what the code says.
import { mkdirSync, writeFileSync } from 'node:fs';
import { contractJsonSchema, queueNames } from '../dist/index.js';

const dir = new URL('../dist/schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const queue of queueNames) {
  writeFileSync(new URL(`${queue}.json`, dir), `${JSON.stringify(contractJsonSchema(queue), null, 2)}\n`);
}
