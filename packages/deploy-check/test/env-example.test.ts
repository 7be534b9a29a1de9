import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readApps } from '@nightshift/workspace';
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../src/index.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
const text = await readFile(join(repoRoot, '.env.example'), 'utf8');
const entries = parseEnvFile(text);

const apps = readApps();
const SHARED_ENV_FILES = ['packages/config/src/env.ts'];
/** Read by the AWS SDK itself (S3 storage), not by our schemas: listed in .env.example all the same. */
const SDK_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** The variables a zod env schema declares: each `NAME:` key of its shape. */
async function variablesOf(file: string): Promise<Set<string>> {
  const source = await readFile(join(repoRoot, file), 'utf8');
  return new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1] ?? ''));
}

/** The variables the apps' zod schemas declare, their own and the shared ones. */
async function declaredVariables(): Promise<Set<string>> {
  const folders = await readdir(join(repoRoot, 'apps'));
  const files = [...SHARED_ENV_FILES, ...folders.map((app) => `apps/${app}/src/env.ts`)];
  const names = new Set<string>();
  for (const file of files) for (const name of await variablesOf(file)) names.add(name);
  return names;
}

/** Each variable's `## heading`: the section of .env.example it is listed in. */
function sections(): Map<string, string> {
  const found = new Map<string, string>();
  let heading = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) heading = line.slice(3);
    const name = /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1];
    if (name) found.set(name, heading);
  }
  return found;
}

describe('.env.example', () => {
  it('lists every variable an app reads, and only those', async () => {
    const declared = [...(await declaredVariables()), ...SDK_VARIABLES].sort();
    expect(declared).toContain('REDIS_URL');
    expect(entries.map((entry) => entry.name).sort()).toEqual(declared);
  });

  it('says what each variable means, once each', () => {
    const undocumented = entries.filter((entry) => entry.comment.length < 10).map((entry) => entry.name);
    expect(undocumented).toEqual([]);
    expect(new Set(entries.map((entry) => entry.name)).size).toBe(entries.length);
  });

  it('lists each app’s own variables under a heading that names the app', async () => {
    const shared = new Set<string>();
    for (const file of SHARED_ENV_FILES) for (const name of await variablesOf(file)) shared.add(name);
    const headings = sections();
    const misplaced: string[] = [];
    for (const app of apps) {
      const names = new RegExp(`(^|[\\s/(])${app.name}([\\s)]|$)`);
      for (const variable of await variablesOf(`apps/${app.name}/src/env.ts`)) {
        if (shared.has(variable) || names.test(headings.get(variable) ?? '')) continue;
        misplaced.push(`${variable} (of ${app.name}) is under "## ${headings.get(variable) ?? 'nothing'}"`);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it('commits no secret: what apps require in production is left empty', () => {
    const required = [...apps.flatMap((app) => Object.keys(app.requiredInProduction)), ...SDK_VARIABLES];
    const filled = entries.filter((entry) => required.includes(entry.name) && entry.value !== '').map((entry) => entry.name);
    expect(filled).toEqual([]);
  });

  it('quotes no value, since `docker run --env-file` (the smoke test) would keep the quotes', () => {
    expect(entries.filter((entry) => /^["']/.test(entry.value)).map((entry) => entry.name)).toEqual([]);
    expect(text).not.toMatch(/^[A-Z_]+=["']/m);
  });
});
