import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { parseEnvironment } from './config/environment.js';
import { createHttpApp } from './http-app.js';
import { EmbeddedDatabase, startEmbeddedDatabase } from './platform/database/embedded-database.js';
import { migrateToLatest } from './platform/database/migrations.js';

const DATABASE_NAME = 'tessera';

async function main(): Promise<void> {
  const environment = parseEnvironment(process.env);
  let embedded: EmbeddedDatabase | undefined;
  if (!environment.DATABASE_URL) {
    embedded = await startEmbeddedDatabase({ dir: environment.EMBEDDED_PG_DIR, port: environment.EMBEDDED_PG_PORT, database: DATABASE_NAME });
  }
  const runtimeUrl = environment.DATABASE_URL ?? embedded!.runtimeUrl;
  const ownerUrl = environment.DATABASE_OWNER_URL ?? embedded?.ownerUrl;
  if (environment.DB_MIGRATE_ON_START) {
    if (!ownerUrl) {
      throw new Error('DB_MIGRATE_ON_START needs DATABASE_OWNER_URL (the schema owner) when DATABASE_URL is set');
    }
    await migrateToLatest(ownerUrl);
  }

  const app = await createHttpApp(environment, runtimeUrl);
  const logger = new Logger('Bootstrap');
  await app.listen({ port: environment.PORT, host: environment.HOST });
  logger.log(`Listening on ${environment.HOST}:${environment.PORT} (Node ${process.version}, ${embedded ? 'embedded' : 'external'} database)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining requests and shutting down`);
    // app.close() stops accepting connections, waits for in-flight requests, then closes the pool.
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
