import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseEnvironment } from '../../src/config/environment.js';
import { createHttpApp } from '../../src/http-app.js';
import { checkResponsesAgainstOpenApi } from './openapi-check.js';
import { createTestDatabase, TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  database: TestDatabase;
  /** The Node HTTP server, for supertest. */
  server: NestFastifyApplication['getHttpServer'] extends () => infer S ? S : never;
  close(): Promise<void>;
}

/** The real application on a fresh database of its own; environment entries override the defaults. */
export async function startTestApp(environment: Record<string, string> = {}, database?: TestDatabase): Promise<TestApp> {
  const db = database ?? (await createTestDatabase());
  const app = await createHttpApp(
    parseEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DB_MIGRATE_ON_START: 'false', ...environment }),
    db.runtimeUrl,
    db.ownerUrl,
  );
  checkResponsesAgainstOpenApi(app);
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app.close();
    if (!database) await db.drop();
    throw error;
  }
  return {
    app,
    database: db,
    server: app.getHttpServer(),
    close: async () => {
      await app.close();
      if (!database) {
        await db.drop();
      }
    },
  };
}
