import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Git-ignored, so a person can look at the pages after a run: `.data/screenshots/worker-pdf/` at the repository root. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../.data/screenshots/worker-pdf/', import.meta.url));

export interface PdfText {
  pages: string[];
  pageCount: number;
  images: { width: number; height: number }[];
}

/** Reads a PDF back with poppler-utils (pdftotext, pdfinfo, pdfimages): what a reader would see, not what we meant to write. */
export async function readPdf(bytes: Uint8Array): Promise<PdfText> {
  return withFile(bytes, async (file) => {
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
  });
}

export interface Word {
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export interface PageWords {
  width: number;
  height: number;
  words: Word[];
}

/** Every word with its box, per page (`pdftotext -bbox`): where things landed, in points from the top left. */
export async function readPdfWords(bytes: Uint8Array): Promise<PageWords[]> {
  const { stdout } = await withFile(bytes, (file) =>
    run('pdftotext', ['-bbox', '-enc', 'UTF-8', file, '-'], { maxBuffer: 256 * 1024 * 1024 }),
  );
  return stdout
    .split('<page ')
    .slice(1)
    .map((page) => {
      const size = /^width="([\d.]+)" height="([\d.]+)"/.exec(page);
      const words = [
        ...page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g),
      ].map(([, xMin, yMin, xMax, yMax, text]) => ({
        text: unescapeXml(text ?? ''),
        xMin: Number(xMin),
        yMin: Number(yMin),
        xMax: Number(xMax),
        yMax: Number(yMax),
      }));
      return { width: Number(size?.[1]), height: Number(size?.[2]), words };
    });
}

/** The words on the same line as `word` (their vertical centres within half a line of its own), left to right. */
export function lineOf(page: PageWords, word: Word): Word[] {
  const centre = (candidate: Word) => (candidate.yMin + candidate.yMax) / 2;
  return page.words.filter((candidate) => Math.abs(centre(candidate) - centre(word)) < 3).sort((a, b) => a.xMin - b.xMin);
}

/**
 * Page 1 as a PNG in SCREENSHOTS (`pdftoppm`), named after the test: a smoke check that the page
 * rasterises, and a picture for a person to look at.
 */
export async function screenshotFirstPage(bytes: Uint8Array, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const base = join(SCREENSHOTS, name.replace(/[^A-Za-z0-9_-]+/g, '-'));
  await withFile(bytes, (file) => run('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', '-singlefile', file, base]));
  return `${base}.png`;
}

async function withFile<T>(bytes: Uint8Array, read: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-pdf-test-'));
  try {
    const file = join(dir, 'report.pdf');
    await writeFile(file, bytes);
    return await read(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
