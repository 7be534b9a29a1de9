import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStorage } from './index.js';

// What both backends promise is in storage-contract.test.ts; this is how a directory keeps it.
let root: string;
let storage: FileStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightshift-storage-'));
  storage = new FileStorage(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('FileStorage', () => {
  it('keeps each object as a file under its key, lent to readers without a copy', async () => {
    await storage.put('files/a.txt', 'hello');
    const path = join(root, 'files', 'a.txt');
    expect(await readFile(path, 'utf8')).toBe('hello');
    expect(storage.locate('files/a.txt')).toBe(path);
    expect(await storage.withLocalFile('files/a.txt', async (lent) => lent)).toBe(path);
  });

  it('overwrites in place, leaving no temporary files', async () => {
    await storage.put('files/a', 'one');
    await storage.put('files/a', 'two');
    expect(await readdir(join(root, 'files'))).toEqual(['a']);
  });

  it('leaves no temporary file when a stream fails half way', async () => {
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.putStream('images/x', failing)).rejects.toThrow('client went away');
    expect(await readdir(join(root, 'images'))).toEqual([]);
  });

  it('makes its folder at the start check', async () => {
    const nested = new FileStorage(join(root, 'not', 'yet'));
    await nested.check();
    expect(await readdir(join(root, 'not'))).toEqual(['yet']);
  });
});
