import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContractDocument } from '@nightshift/contracts';

/**
 * The contract documents of the last release, one `<queue>.json` per queue, committed in
 * `released/` and rewritten by the release step (`pnpm contracts:snapshot`, run by
 * `pnpm version-packages`): what `pnpm contracts:check` compares the current contracts with.
 */
export const RELEASED_DIR = join(import.meta.dirname, '..', 'released');

export async function readReleased(dir: string): Promise<ContractDocument[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => JSON.parse(await readFile(join(dir, file), 'utf8')) as ContractDocument));
}

/** Writes one file per document and removes the files of queues that are gone. */
export async function writeReleased(dir: string, documents: readonly ContractDocument[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const keep = new Set(documents.map((document) => `${document.queue}.json`));
  for (const file of await readdir(dir)) if (file.endsWith('.json') && !keep.has(file)) await rm(join(dir, file));
  for (const document of documents)
    await writeFile(join(dir, `${document.queue}.json`), `${JSON.stringify(document, null, 2)}\n`);
}
