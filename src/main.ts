import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Environment, parseEnvironment } from './config/environment.js';
import { createHttpApp } from './http-app.js';
import { startEmbeddedDatabase } from './platform/database/embedded-database.js';
import { migrateToLatest } from './platform/database/migrations.js';

const EMBEDDED_DATABASE_NAME = 'tessera';
/** After this, a shutdown that is still draining gives up and exits non-zero. */
const SHUTDOWN_DEADLINE_MS = 25_000;

/** The database to serve: the one DATABASE_URL names, or an embedded one started here. */
async function openDatabase(environment: Environment) {
  if (environment.DATABASE_URL) {
    return { runtimeUrl: environment.DATABASE_URL, ownerUrl: environment.DATABASE_OWNER_URL, stop: async () => undefined, embedded: false };
  }
  const embedded = await startEmbeddedDatabase({
    dir: environment.EMBEDDED_PG_DIR,
    port: environment.EMBEDDED_PG_PORT,
    database: EMBEDDED_DATABASE_NAME,
  });
  return { ...embedded, embedded: true };
}

async function main(): Promise<void> {
  const environment = parseEnvironment(process.env);
  const database = await openDatabase(environment);
  if (environment.DB_MIGRATE_ON_START) {
    if (!database.ownerUrl) {
      throw new Error('DB_MIGRATE_ON_START needs DATABASE_OWNER_URL (the schema owner) when DATABASE_URL is set');
    }
    await migrateToLatest(database.ownerUrl);
  }

  const app = await createHttpApp(environment, database.runtimeUrl, database.ownerUrl);
  const logger = new Logger('Bootstrap');
  await app.listen({ port: environment.PORT, host: environment.HOST });
  logger.log(`Listening on ${environment.HOST}:${environment.PORT} (Node ${process.version}, ${database.embedded ? 'embedded' : 'external'} database)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests and shutting down`);
    setTimeout(() => {
      logger.error(`Shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // app.close() stops accepting connections, waits for in-flight requests, then closes the pool.
    await app.close();
    await database.stop();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
