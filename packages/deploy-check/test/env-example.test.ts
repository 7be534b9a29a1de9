import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appImages, parseEnvFile } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const text = await readFile(join(repoRoot, '.env.example'), 'utf8');
const entries = parseEnvFile(text);

/** The variables the apps' zod schemas declare: each `NAME:` key of an env shape. */
async function declaredVariables(): Promise<Set<string>> {
  const apps = await readdir(join(repoRoot, 'apps'));
  const files = ['packages/config/src/env.ts', ...apps.map((app) => `apps/${app}/src/env.ts`)];
  const names = new Set<string>();
  for (const file of files) {
    const source = await readFile(join(repoRoot, file), 'utf8');
    for (const match of source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) if (match[1]) names.add(match[1]);
  }
  return names;
}

describe('.env.example', () => {
  it('lists every variable an app reads, and only those', async () => {
    const declared = [...(await declaredVariables())].sort();
    expect(declared).toContain('REDIS_URL');
    expect(entries.map((entry) => entry.name).sort()).toEqual(declared);
  });

  it('says what each variable means, once each', () => {
    const undocumented = entries.filter((entry) => entry.comment.length < 10).map((entry) => entry.name);
    expect(undocumented).toEqual([]);
    expect(new Set(entries.map((entry) => entry.name)).size).toBe(entries.length);
  });

  it('commits no secret: what apps require in production is left empty', () => {
    const required = appImages.flatMap((app) => Object.keys(app.requiredInProduction));
    const filled = entries.filter((entry) => required.includes(entry.name) && entry.value !== '').map((entry) => entry.name);
    expect(filled).toEqual([]);
  });

  it('quotes no value, since `docker run --env-file` (the smoke test) would keep the quotes', () => {
    expect(entries.filter((entry) => /^["']/.test(entry.value)).map((entry) => entry.name)).toEqual([]);
    expect(text).not.toMatch(/^[A-Z_]+=["']/m);
  });
});
