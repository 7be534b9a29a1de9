import { readFile } from 'node:fs/promises';

/** CPU seconds a process has used, all threads, from `/proc/<pid>/stat`; undefined where it cannot be read. */
export async function processCpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in clock ticks (100 a second on Linux).
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (!fields) return undefined;
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in MiB, from `/proc/<pid>/status`; undefined where it cannot be read. */
export async function processRssMiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status && /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib ? Number(kib) / 1024 : undefined;
}
