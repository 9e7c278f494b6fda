import { rm } from 'node:fs/promises';
import { startEmbeddedDatabase } from '../../src/platform/database/embedded-database.js';
import { COMPILED_ENTITIES, migrateToLatest, withMigrator } from '../../src/platform/database/migrations.js';
import { freePort } from './free-port.js';
import { createTestDatabase, TEMPLATE_DATABASE, withAdminClient } from './test-database.js';

/** Per run, so that two test runs on one machine do not collide. */
const TEST_PG_DIR = `.data/test-postgres-${process.pid}`;

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
    const embedded = await startEmbeddedDatabase({ dir: TEST_PG_DIR, port: await freePort(), database: 'postgres' });
    process.env.TESSERA_TEST_ADMIN_URL = embedded.adminUrl;
    stop = async () => {
      await embedded.stop();
      await rm(TEST_PG_DIR, { recursive: true, force: true });
    };
  }
  await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`));
  const template = await createTestDatabase('template0', TEMPLATE_DATABASE);
  await migrateToLatest(template.ownerUrl);
  await assertEntitiesMatchMigrations(template.ownerUrl);
  return { stop };
}

/** Fails the run when an entity changed without a migration (`npm run migration:create`). */
async function assertEntitiesMatchMigrations(ownerUrl: string): Promise<void> {
  if (await withMigrator(ownerUrl, (migrator) => migrator.checkSchema(), COMPILED_ENTITIES)) {
    throw new Error('The entities differ from the migrations snapshot: run `npm run migration:create -- --name <what>`');
  }
}
