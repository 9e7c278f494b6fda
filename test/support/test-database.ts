import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  createDatabaseIfMissing,
  databaseUrl,
  OWNER_ROLE,
  provisionRoles,
  RUNTIME_LOGIN_ROLE,
} from '../../src/platform/database/database-roles.js';

/** The migrated database every test database is cloned from (CREATE DATABASE … TEMPLATE). */
export const TEMPLATE_DATABASE = 'tessera_test_template';
export const TEST_ROLE_PASSWORDS = { ownerPassword: 'tessera-owner', runtimePassword: 'tessera-app' };

/** Set by the global setup: a superuser URL of the server the tests use. */
export function adminUrl(): string {
  const url = process.env.TESSERA_TEST_ADMIN_URL;
  if (!url) {
    throw new Error('TESSERA_TEST_ADMIN_URL is not set: run the tests through jest (global setup)');
  }
  return url;
}

/** A superuser connection to a database of the tests' server (or of another server, by its superuser URL). */
export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>, database = 'postgres', server = adminUrl()): Promise<T> {
  const url = new URL(server);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs statements as the schema owner of a test database (to break it on purpose). */
export async function withOwnerClient<T>(database: TestDatabase, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: database.ownerUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  runtimeUrl: string;
  drop(): Promise<void>;
}

/** A fresh database of its own for one test file, cloned from the migrated template by default. */
export async function createTestDatabase(
  template: string = TEMPLATE_DATABASE,
  name = `tessera_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
): Promise<TestDatabase> {
  await withAdminClient(async (admin) => {
    await provisionRoles(admin, TEST_ROLE_PASSWORDS);
    await createDatabaseIfMissing(admin, name, template);
  });
  const server = new URL(adminUrl());
  const address = { host: server.hostname, port: Number(server.port || 5432) };
  return {
    name,
    ownerUrl: databaseUrl(address, OWNER_ROLE, TEST_ROLE_PASSWORDS.ownerPassword, name),
    runtimeUrl: databaseUrl(address, RUNTIME_LOGIN_ROLE, TEST_ROLE_PASSWORDS.runtimePassword, name),
    drop: () => withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined)),
  };
}
