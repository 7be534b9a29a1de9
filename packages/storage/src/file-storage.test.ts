import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStorage, InvalidStorageKeyError, ObjectNotFoundError } from './index.js';

let root: string;
let storage: FileStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightshift-storage-'));
  storage = new FileStorage(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('FileStorage', () => {
  it('writes, reads, stats and deletes an object', async () => {
    const stored = await storage.put('files/a.txt', 'hello');
    expect(stored.bytes).toBe(5);
    expect((await storage.get('files/a.txt')).toString()).toBe('hello');
    expect((await storage.stat('files/a.txt'))?.bytes).toBe(5);
    const path = await storage.localPath('files/a.txt');
    expect(path).toBe(join(root, 'files', 'a.txt'));
    expect(await readFile(path as string, 'utf8')).toBe('hello');
    await storage.delete('files/a.txt');
    expect(await storage.stat('files/a.txt')).toBeUndefined();
    expect(await storage.localPath('files/a.txt')).toBeUndefined();
  });

  it('reports the bytes on disk, counting multi-byte characters, and creates folders for both writes', async () => {
    expect((await storage.put('reports/e.txt', 'héllo €')).bytes).toBe(10);
    expect((await storage.stat('reports/e.txt'))?.bytes).toBe(10);
    expect((await storage.putStream('uploads/s', Readable.from(['ab', 'cdé']))).bytes).toBe(6);
    expect((await storage.get('uploads/s')).toString()).toBe('abcdé');
  });

  it('reads back every byte of an empty object and of one larger than a read chunk', async () => {
    const large = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 7 }, (_, index) => index % 251));
    await storage.put('images/large', large);
    await storage.put('images/empty', '');
    expect((await storage.get('images/large')).equals(large)).toBe(true);
    expect((await storage.get('images/empty')).length).toBe(0);
  });

  it('overwrites in place, leaving no temporary files', async () => {
    await storage.put('files/a', 'one');
    await storage.put('files/a', 'two');
    expect((await storage.get('files/a')).toString()).toBe('two');
    expect(await readdir(join(root, 'files'))).toEqual(['a']);
  });

  it('leaves nothing behind when a stream fails half way', async () => {
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('client went away'));
      },
    });
    await expect(storage.putStream('images/x', failing)).rejects.toThrow('client went away');
    expect(await readdir(join(root, 'images'))).toEqual([]);
  });

  it('streams an object and reports a missing one as not found', async () => {
    await storage.put('files/b', 'streamed');
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.stream('files/b')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('streamed');
    await expect(storage.stream('files/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.get('files/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it.each(['../etc/passwd', '/etc/passwd', 'files/../../x', 'files/.hidden', 'files//a', '', 'a\\b', 'files/a b', 'files/..'])(
    'refuses the key %j',
    async (key) => {
      await expect(storage.put(key, 'x')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    },
  );
});
