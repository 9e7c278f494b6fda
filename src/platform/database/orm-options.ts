import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import type pg from 'pg';
import type { Environment } from '../../config/environment.js';
import { discardUnfinishedConnections } from './pool-guard.js';

export type PoolSettings = Pick<Environment, 'DB_POOL_MAX' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_CONNECT_TIMEOUT_MS'>;

/**
 * How long the client waits beyond the statement timeout before it gives a query up: the server
 * cancels its own statements first, so this only fires when the server cannot answer at all (frozen,
 * or the network path is gone).
 */
const CLIENT_QUERY_TIMEOUT_MARGIN_MS = 1_000;
/** Idle TCP time before keepalive probes start: a silently vanished peer is noticed in seconds. */
const TCP_KEEPALIVE_DELAY_MS = 10_000;

/**
 * MikroORM options shared by the server, the migration scripts and the tests. Server-side timeouts
 * are not sent as connection start-up parameters (a transaction-mode PgBouncer refuses those): the
 * unit of work sets them per transaction (TenantScope). The client-side limits here bound every wait
 * on the database: a pool slot or a new connection (DB_CONNECT_TIMEOUT_MS), a query's answer.
 */
export function ormOptions(clientUrl: string, pool: PoolSettings, onPoolCreated?: (pool: pg.Pool) => void) {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl,
    metadataProvider: ReflectMetadataProvider,
    pool: { min: 0, max: pool.DB_POOL_MAX },
    driverOptions: {
      connectionTimeoutMillis: pool.DB_CONNECT_TIMEOUT_MS,
      query_timeout: pool.DB_STATEMENT_TIMEOUT_MS + CLIENT_QUERY_TIMEOUT_MARGIN_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: TCP_KEEPALIVE_DELAY_MS,
      application_name: 'tessera',
      onPoolCreated: (created: pg.Pool) => {
        discardUnfinishedConnections(created);
        onPoolCreated?.(created);
      },
    },
    // The schema is the migrations' business; never create or alter it at boot.
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    forceUtcTimezone: true,
  });
}
