import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pg from 'pg';
import { AppModule } from '../src/app.module.js';
import { parseEnvironment } from '../src/config/environment.js';
import type { Principal } from '../src/platform/auth/principal.js';
import { TenantScope } from '../src/platform/tenancy/tenant-scope.js';
import { captureStatements } from '../test/support/statement-capture.js';

/** A call of the application's own code (the service method a route calls), named for the output. */
export type ExplainedCall = [name: string, call: (app: INestApplicationContext) => Promise<unknown>];

class RolledBack extends Error {}

/**
 * EXPLAIN ANALYZE of the statements the application really runs: each call runs as `principal`'s unit
 * of work (rolled back), its statements are captured with their parameters on the way to PostgreSQL,
 * then explained as the runtime role inside the tenant's transaction (RLS on). Nothing is hand-copied,
 * so the plans cannot drift from the code.
 */
export async function explainCalls(runtimeUrl: string, principal: Principal, calls: ExplainedCall[]): Promise<string> {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(parseEnvironment({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DB_MIGRATE_ON_START: 'false' }), runtimeUrl),
    { logger: false },
  );
  const client = new pg.Client({ connectionString: runtimeUrl });
  await client.connect();
  const plans: string[] = [];
  try {
    const scope = app.get(TenantScope);
    for (const [name, call] of calls) {
      const statements = await captureStatements(principal, () =>
        scope
          .run(principal, async () => {
            await call(app);
            throw new RolledBack();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RolledBack)) throw error;
          }),
      );
      await client.query('begin');
      await client.query("select set_config('app.tenant_id', $1, true), set_config('app.actor_id', $2, true)", [
        principal.tenantId,
        principal.actorId,
      ]);
      for (const [index, { text, values }] of statements.entries()) {
        const { rows } = await client.query(`explain (analyze, costs off, timing off, summary off) ${text}`, values);
        const label = statements.length > 1 ? `${name} (statement ${index + 1} of ${statements.length})` : name;
        plans.push(`-- ${label}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
      }
      await client.query('rollback');
    }
  } finally {
    await client.end();
    await app.close();
  }
  return plans.join('\n\n');
}
