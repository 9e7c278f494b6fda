import { randomUUID } from 'node:crypto';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { parseEnvironment } from '../../src/config/environment.js';
import { type Principal, principalOf } from '../../src/platform/auth/principal.js';
import { TenantScope } from '../../src/platform/tenancy/tenant-scope.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * The middle test tier: the application's providers (repositories, services) on a fresh database of
 * their own, without HTTP. Work runs as a tenant's unit of work, exactly as a request's would.
 */
export interface TestContext {
  context: INestApplicationContext;
  database: TestDatabase;
  get<T>(type: Type<T>): T;
  /** Runs work as `principal`'s unit of work (a new tenant and user when omitted); it commits when work resolves. */
  inTenant<T>(principal: Principal, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function startTestContext(environment: Record<string, string> = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const context = await NestFactory.createApplicationContext(
    AppModule.forRoot(
      parseEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DB_MIGRATE_ON_START: 'false', ...environment }),
      database.runtimeUrl,
      database.ownerUrl,
    ),
    { logger: false },
  );
  const scope = context.get(TenantScope);
  return {
    context,
    database,
    get: (type) => context.get(type, { strict: false }),
    inTenant: (principal, work) => scope.run(principal, work),
    close: async () => {
      await context.close();
      await database.drop();
    },
  };
}

/** A principal of a new tenant (a user, unless roles say otherwise). */
export function newPrincipal(roles: readonly string[] = [], tenantId: string = randomUUID()): Principal {
  return principalOf(tenantId, `user-${randomUUID().slice(0, 8)}`, roles);
}
