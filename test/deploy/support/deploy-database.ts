import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { startEmbeddedDatabase } from '../../../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../../../src/platform/database/migrations.js';
import { freePort } from '../../support/free-port.js';

const DATABASE = 'tessera';

/** A migrated PostgreSQL of a deploy test's own, reached directly (not through any pooler). */
export interface DeployDatabase {
  host: string;
  port: number;
  /** The database's name on that server. */
  database: string;
  /** The schema owner (migrations, maintenance): DATABASE_OWNER_URL, which always goes direct. */
  ownerUrl: string;
  /** The runtime login role: what DATABASE_URL names when no pooler is in between. */
  runtimeUrl: string;
  /** Superuser of the same server, for assertions that must see every tenant. */
  adminUrl: string;
  /** The data folder (absolute); as root, its owner is the user PostgreSQL runs as. */
  dataDir: string;
  /** The roles and passwords a pooler in front needs in its user list. */
  logins: { owner: Login; runtime: Login };
  /** Stops PostgreSQL and deletes its data folder. */
  stop(): Promise<void>;
}

export interface Login {
  user: string;
  password: string;
}

/**
 * Starts the embedded PostgreSQL (the project's own, see embedded-database.ts) on a free port with a
 * fresh data folder, provisions the roles and one database, and migrates it to the latest schema.
 */
export async function startDeployDatabase(): Promise<DeployDatabase> {
  // Under .data/ like the other tiers' servers: as root, PostgreSQL's user must reach the folder.
  const dir = `.data/deploy-postgres-${process.pid}-${randomUUID().slice(0, 8)}`;
  const port = await freePort();
  const embedded = await startEmbeddedDatabase({ dir, port, database: DATABASE, logger: new Logger('DeployPostgres') });
  const stop = async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await migrateToLatest(embedded.ownerUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: new URL(embedded.runtimeUrl).hostname,
    port,
    database: DATABASE,
    ownerUrl: embedded.ownerUrl,
    runtimeUrl: embedded.runtimeUrl,
    adminUrl: embedded.adminUrl,
    dataDir: resolve(dir),
    logins: { owner: loginOf(embedded.ownerUrl), runtime: loginOf(embedded.runtimeUrl) },
    stop,
  };
}

function loginOf(url: string): Login {
  const parsed = new URL(url);
  return { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
}
