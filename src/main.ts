import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Environment, parseEnvironment } from './config/environment.js';
import { createHttpApp } from './http-app.js';
import { startEmbeddedDatabase } from './platform/database/embedded-database.js';
import { migrateToLatest } from './platform/database/migrations.js';
import { gracefulShutdown } from './platform/lifecycle/graceful-shutdown.js';

const EMBEDDED_DATABASE_NAME = 'tessera';

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

  const shutdown = gracefulShutdown(app, database.stop, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
