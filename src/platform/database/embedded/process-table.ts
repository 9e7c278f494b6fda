import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';

export interface ProcessInfo {
  parentPid: number;
  /** The executable's name, e.g. `postgres`. */
  command: string;
}

/** What the OS says about a process; undefined once it is gone (a zombie only waits to be reaped). */
export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  return process.platform === 'linux' ? fromProcFs(pid) : fromPs(pid);
}

/** Polls until the process is gone; false when it is still there after the timeout. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await processInfo(pid)) !== undefined) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

// /proc rather than ps on Linux: slim images (a dev container from node:24-slim) have no ps.
async function fromProcFs(pid: number): Promise<ProcessInfo | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // "pid (comm) state ppid …", where comm may itself hold spaces and parentheses.
  const commEnd = stat.lastIndexOf(')');
  const [state, parentPid] = stat.slice(commEnd + 2).split(' ');
  return state === 'Z' ? undefined : { parentPid: Number(parentPid), command: stat.slice(stat.indexOf('(') + 1, commEnd) };
}

async function fromPs(pid: number): Promise<ProcessInfo | undefined> {
  const output = await promisify(execFile)('ps', ['-o', 'ppid=,stat=,comm=', '-p', String(pid)]).then(
    ({ stdout }) => stdout.trim(),
    () => '',
  );
  const match = /^(\d+)\s+(\S+)\s+(.+)$/.exec(output);
  return !match || match[2].startsWith('Z') ? undefined : { parentPid: Number(match[1]), command: basename(match[3]) };
}
