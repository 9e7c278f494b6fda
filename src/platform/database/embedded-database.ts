import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Logger, type LoggerService } from '@nestjs/common';
import pg from 'pg';
import { createDatabaseIfMissing, databaseUrl, OWNER_ROLE, provisionRoles, RUNTIME_LOGIN_ROLE } from './database-roles.js';
import { claimDataFolder } from './embedded/data-folder-claim.js';
import { loadEmbeddedPostgres } from './embedded/load-embedded-postgres.js';
import { LogTail } from './embedded/log-tail.js';
import { PostgresSupervisor } from './embedded/postgres-supervisor.js';

/** A PostgreSQL server run by Tessera itself, for development and tests (never for production). */
export interface EmbeddedDatabase {
  ownerUrl: string;
  runtimeUrl: string;
  /** Superuser URL: admin tooling only (tests clone databases with it). */
  adminUrl: string;
  /** The postmaster's pid; undefined while none runs (between a crash and its restart, after stop()). */
  pid(): number | undefined;
  /** Ends supervision, then shuts PostgreSQL down and resolves once it has exited. */
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dir: string;
  port: number;
  database: string;
  /** Where supervision reports crashes and restarts; a Nest Logger named EmbeddedPostgres unless given. */
  logger?: LoggerService;
}

// Fixed local credentials: the embedded server only listens on 127.0.0.1.
const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD = 'tessera-embedded';
const ROLE_PASSWORDS = { ownerPassword: 'tessera-owner', runtimePassword: 'tessera-app' };
const HOST = '127.0.0.1';

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const logger = options.logger ?? new Logger('EmbeddedPostgres');
  const { EmbeddedPostgres, postgresBinary } = await loadEmbeddedPostgres();
  const dataDir = resolve(options.dir);
  const log = new LogTail();
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    const initdb = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: SUPERUSER,
      password: SUPERUSER_PASSWORD,
      createPostgresUser: process.getuid?.() === 0,
      onLog: (message) => log.write(message),
      onError: (error) => log.write(`${error instanceof Error ? error.message : String(error)}\n`),
    });
    await initdb.initialise().catch((error: unknown) => {
      throw new Error(
        `Could not initialise the embedded PostgreSQL in ${dataDir}: ${error instanceof Error ? error.message : 'initdb failed'}. Its last log lines:\n${log.text()}`,
      );
    });
  }
  await claimDataFolder(dataDir, logger);

  const supervisor = new PostgresSupervisor(
    {
      binary: postgresBinary,
      dataDir,
      port: options.port,
      flags: ['-c', `listen_addresses=${HOST}`, '-c', 'max_connections=200'],
      user: await dataFolderOwnerWhenRoot(dataDir),
    },
    log,
    logger,
  );
  await supervisor.start();
  const address = { host: HOST, port: options.port };
  try {
    await provision(address, options.database);
  } catch (error) {
    await supervisor.stop();
    throw error;
  }

  return {
    ownerUrl: databaseUrl(address, OWNER_ROLE, ROLE_PASSWORDS.ownerPassword, options.database),
    runtimeUrl: databaseUrl(address, RUNTIME_LOGIN_ROLE, ROLE_PASSWORDS.runtimePassword, options.database),
    adminUrl: databaseUrl(address, SUPERUSER, SUPERUSER_PASSWORD, 'postgres'),
    pid: () => supervisor.pid(),
    stop: () => supervisor.stop(),
  };
}

async function provision(address: { host: string; port: number }, database: string): Promise<void> {
  const admin = new pg.Client({ ...address, user: SUPERUSER, password: SUPERUSER_PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    await provisionRoles(admin, ROLE_PASSWORDS);
    await createDatabaseIfMissing(admin, database);
  } finally {
    await admin.end();
  }
}

/** PostgreSQL refuses to run as root; initialisation gave the folder to the user it should run as. */
async function dataFolderOwnerWhenRoot(dataDir: string): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const { uid, gid } = await stat(dataDir);
  return { uid, gid };
}
