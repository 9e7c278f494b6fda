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

/** An embedded PostgreSQL whose postmaster has been started and may still be booting. */
export interface LaunchedEmbeddedDatabase {
  /** Resolves once it accepts connections and Tessera's roles and database exist; stops it if they cannot be made. */
  ready(): Promise<EmbeddedDatabase>;
  stop(): Promise<void>;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  return (await launchEmbeddedDatabase(options)).ready();
}

/**
 * Starts PostgreSQL and returns without waiting for it to accept connections: its boot runs in its own
 * processes, while the caller does other work (the server loads its modules meanwhile).
 */
export async function launchEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<LaunchedEmbeddedDatabase> {
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
  // start() spawns the postmaster before its first await; its failure is reported by ready().
  const booted = supervisor.start();
  booted.catch(() => undefined);
  const address = { host: HOST, port: options.port };
  const stop = () => supervisor.stop();
  return {
    stop,
    async ready() {
      await booted;
      try {
        await provision(address, options.database);
      } catch (error) {
        await stop();
        throw error;
      }
      return {
        ownerUrl: databaseUrl(address, OWNER_ROLE, ROLE_PASSWORDS.ownerPassword, options.database),
        runtimeUrl: databaseUrl(address, RUNTIME_LOGIN_ROLE, ROLE_PASSWORDS.runtimePassword, options.database),
        adminUrl: databaseUrl(address, SUPERUSER, SUPERUSER_PASSWORD, 'postgres'),
        pid: () => supervisor.pid(),
        stop,
      };
    },
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
