import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { type ProcessInfo, processInfo, waitForExit } from './process-table.js';

/**
 * The pid of the Tessera process that started PostgreSQL on this folder. PostgreSQL's own
 * postmaster.pid says which postmaster holds the folder, not who supervises it: after a `kill -9`
 * of the server its postmaster is adopted by init (or a subreaper), and only this record tells that
 * apart from a live server.
 */
const OWNER_FILE = 'tessera-server.pid';
const ORPHAN_SHUTDOWN_TIMEOUT_MS = 10_000;
const ORPHAN_KILL_TIMEOUT_MS = 5_000;

/**
 * Makes the data folder this process's: refuses while another running server uses it, and stops a
 * PostgreSQL left running by a server that was killed (it would hold the folder and port forever).
 */
export async function claimDataFolder(dataDir: string, logger: LoggerService): Promise<void> {
  const postmaster = await livePostmaster(dataDir);
  if (postmaster) {
    if (postmaster.parentPid === (await readPid(join(dataDir, OWNER_FILE)))) {
      throw new Error(
        `The embedded PostgreSQL folder ${dataDir} is in use by a running server (pid ${postmaster.parentPid}); ` +
          'stop it or set EMBEDDED_PG_DIR/EMBEDDED_PG_PORT for a second instance',
      );
    }
    logger.warn(`PostgreSQL (pid ${postmaster.pid}) was left running on ${dataDir} by a server that is gone; stopping it`);
    await stopOrphan(postmaster.pid);
    logger.log(`Stopped the orphaned PostgreSQL (pid ${postmaster.pid})`);
  }
  await writeFile(join(dataDir, OWNER_FILE), `${process.pid}\n`);
}

async function livePostmaster(dataDir: string): Promise<(ProcessInfo & { pid: number }) | undefined> {
  const pid = await readPid(join(dataDir, 'postmaster.pid'));
  const info = pid === undefined ? undefined : await processInfo(pid);
  // Another command under a recorded pid means the pid was reused: PostgreSQL judges that lock itself.
  return pid !== undefined && info?.command === 'postgres' ? { ...info, pid } : undefined;
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0], 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function stopOrphan(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
    if (await waitForExit(pid, ORPHAN_SHUTDOWN_TIMEOUT_MS)) return;
    process.kill(pid, 'SIGKILL');
    if (await waitForExit(pid, ORPHAN_KILL_TIMEOUT_MS)) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw new Error(`Could not stop the orphaned PostgreSQL (pid ${pid}): ${(error as Error).message}`);
  }
  throw new Error(`The orphaned PostgreSQL (pid ${pid}) is still running after SIGKILL`);
}
