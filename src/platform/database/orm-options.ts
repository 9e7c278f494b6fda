import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import type { Environment } from '../../config/environment.js';

export type PoolSettings = Pick<Environment, 'DB_POOL_MAX' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_CONNECT_TIMEOUT_MS'>;

/** MikroORM options shared by the server, the migration scripts and the tests. */
export function ormOptions(clientUrl: string, pool: PoolSettings) {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl,
    metadataProvider: ReflectMetadataProvider,
    pool: { min: 0, max: pool.DB_POOL_MAX },
    driverOptions: {
      connectionTimeoutMillis: pool.DB_CONNECT_TIMEOUT_MS,
      statement_timeout: pool.DB_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: pool.DB_STATEMENT_TIMEOUT_MS * 2,
      application_name: 'tessera',
    },
    // The schema is the migrations' business; never create or alter it at boot.
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    forceUtcTimezone: true,
  });
}
