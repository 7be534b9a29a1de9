import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Reads a PDF back with poppler-utils (pdftotext, pdfinfo, pdfimages): what a reader would see, not what we meant to write. */
export async function readPdf(
  bytes: Uint8Array,
): Promise<{ pages: string[]; pageCount: number; images: { width: number; height: number }[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-pdf-test-'));
  try {
    const file = join(dir, 'report.pdf');
    await writeFile(file, bytes);
    const [text, info, images] = await Promise.all([
      run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 }),
      run('pdfinfo', [file]),
      run('pdfimages', ['-list', file]),
    ]);
    const pageCount = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1]);
    // pdftotext ends every page with a form feed.
    const pages = text.stdout.split('\f').slice(0, pageCount);
    const imageRows = images.stdout
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
    return {
      pages,
      pageCount,
      images: imageRows.map((line) => {
        const [, , , width, height] = line.trim().split(/\s+/);
        return { width: Number(width), height: Number(height) };
      }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
