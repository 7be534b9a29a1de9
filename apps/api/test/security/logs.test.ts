import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLinks } from '../../src/lib/file-links.js';
import { FILE_LINK_SECRET } from '../helpers.js';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start();
});
afterAll(() => api.stop());

const accessLines = (path: string, count: number) =>
  api.linesMatching((line) => line.msg === 'request completed' && String(line.url).startsWith(path), count);

// Issue 19 item 5: a signed link in the access log lets whoever reads the logs download the file for days.
describe('the access log', () => {
  it('keeps the path of a signed download link but not its signature', async () => {
    const fileId = 'pdf-logged.pdf';
    const storage = api.env.STORAGE_DIR ?? '';
    await mkdir(join(storage, 'files'), { recursive: true });
    await writeFile(join(storage, 'files', fileId), '%PDF-1.7 test');
    const link = new URL(new FileLinks(FILE_LINK_SECRET, api.url).url(fileId));
    const signature = link.searchParams.get('signature') ?? '';
    expect(signature.length).toBeGreaterThan(20);

    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('%PDF-1.7 test');
    // The same link with the signature first in the query.
    const reordered = `/v1/files/${fileId}?signature=${signature}&expires=${link.searchParams.get('expires')}`;
    expect((await fetch(`${api.url}${reordered}`)).status).toBe(200);

    const lines = await accessLines(`/v1/files/${fileId}`, 2);
    expect(lines[0]).toMatchObject({
      url: `/v1/files/${fileId}?expires=${link.searchParams.get('expires')}&signature=[redacted]`,
    });
    expect(JSON.stringify(api.lines)).not.toContain(signature);
  });
});
