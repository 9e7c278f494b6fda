import { rm } from 'node:fs/promises';
import { startEmbeddedDatabase } from '../../src/platform/database/embedded-database.js';
import { migrateToLatest } from '../../src/platform/database/migrations.js';
import { createTestDatabase, TEMPLATE_DATABASE, withAdminClient } from './test-database.js';

const TEST_PG_DIR = '.data/test-postgres';
const TEST_PG_PORT = Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330);

/**
 * Starts the embedded PostgreSQL (unless TEST_DATABASE_URL names a server, as a superuser) and
 * builds the migrated template database the test files clone. Jest's global setup loads this from
 * the build (jest cannot transform ESM TypeScript there).
 */
export async function startTestServer(): Promise<{ stop(): Promise<void> }> {
  let stop = async (): Promise<void> => undefined;
  if (process.env.TEST_DATABASE_URL) {
    process.env.TESSERA_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
  } else {
    await rm(TEST_PG_DIR, { recursive: true, force: true });
    const embedded = await startEmbeddedDatabase({ dir: TEST_PG_DIR, port: TEST_PG_PORT, database: 'postgres' });
    process.env.TESSERA_TEST_ADMIN_URL = embedded.adminUrl;
    stop = embedded.stop;
  }
  await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`));
  const template = await createTestDatabase('template0', TEMPLATE_DATABASE);
  await migrateToLatest(template.ownerUrl);
  return { stop };
}
