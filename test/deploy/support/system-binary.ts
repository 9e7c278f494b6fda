import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Where Debian puts daemons, searched after PATH: a non-login shell's PATH often lacks /usr/sbin. */
const SYSTEM_DIRECTORIES = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

/**
 * The path of a system program (`pgbouncer`, `redis-server`), looked up in PATH and then in the
 * system directories; throws naming the Debian package to install when it is nowhere.
 */
export async function findSystemBinary(name: string, debianPackage = name): Promise<string> {
  const directories = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SYSTEM_DIRECTORIES];
  for (const directory of directories) {
    const candidate = join(directory, name);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new Error(`${name} is not installed (looked in PATH and ${SYSTEM_DIRECTORIES.join(', ')}): apt-get install ${debianPackage}`);
}
