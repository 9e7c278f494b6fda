import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { types } from 'node:util';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Environment } from '../../config/environment.js';
import { sendBeginWithFirstStatement } from './begin-with-first-statement.js';
import { discardUnfinishedConnections } from './pool-guard.js';

/**
 * How every connection reaches PostgreSQL, whoever opens it (the runtime pool, the owner's maintenance
 * pool, the availability probe, the migrations): TLS, and how long a pooled connection may idle.
 */
export type ConnectionSettings = Pick<Environment, 'DB_SSL' | 'DB_SSL_CA' | 'DB_IDLE_TIMEOUT_MS'>;

/** Without settings: plain connections, pg's default idle timeout. */
export const PLAIN_CONNECTIONS: ConnectionSettings = { DB_SSL: 'disable', DB_IDLE_TIMEOUT_MS: 10_000 };

export type PoolSettings = Pick<Environment, 'DB_POOL_MAX' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_CONNECT_TIMEOUT_MS'> &
  Partial<ConnectionSettings>;

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
    pool: { min: 0, max: pool.DB_POOL_MAX, idleTimeoutMillis: pool.DB_IDLE_TIMEOUT_MS ?? PLAIN_CONNECTIONS.DB_IDLE_TIMEOUT_MS },
    driverOptions: {
      ssl: databaseTls({ ...PLAIN_CONNECTIONS, ...pool }, clientUrl),
      connectionTimeoutMillis: pool.DB_CONNECT_TIMEOUT_MS,
      query_timeout: pool.DB_STATEMENT_TIMEOUT_MS + CLIENT_QUERY_TIMEOUT_MARGIN_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: TCP_KEEPALIVE_DELAY_MS,
      application_name: 'tessera',
      onPoolCreated: (created: pg.Pool) => {
        discardUnfinishedConnections(created);
        sendBeginWithFirstStatement(created);
        onPoolCreated?.(created);
      },
    },
    // The schema is the migrations' business; never create or alter it at boot.
    ensureDatabase: false,
    discovery: { warnWhenNoEntities: false },
    forceUtcTimezone: true,
  });
}

/**
 * node-postgres's `ssl` option for DB_SSL, for connections to `url`. Always explicit, so that
 * PGSSLMODE in the process environment never changes one connection and not another. `require` is
 * libpq's: encrypted, with whatever certificate the server shows (no protection against an active man
 * in the middle). `verify-full` leaves Node's checks on: a chain to DB_SSL_CA (or to Node's trusted
 * CAs without it), and the URL's host among the certificate's names — named here, because
 * node-postgres sends no server name for an IP address and Node would then check "localhost". The CA
 * file is read when a pool or client is built, i.e. at boot.
 */
export function databaseTls(settings: Pick<ConnectionSettings, 'DB_SSL' | 'DB_SSL_CA'>, url: string): false | ConnectionOptions {
  switch (settings.DB_SSL) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return {
        rejectUnauthorized: true,
        host: new URL(url).hostname.replace(/^\[(.*)\]$/, '$1'),
        ...(settings.DB_SSL_CA !== undefined && { ca: readFileSync(settings.DB_SSL_CA, 'utf8') }),
      };
  }
}

/** node:tls error codes of a certificate that was refused. */
const CERTIFICATE_REFUSED = /CERT|ISSUER|SIGNATURE|ALTNAME|SELF_SIGNED|UNABLE_TO_VERIFY/;

/**
 * A connection failure that DB_SSL explains, as an error naming the setting and what to change;
 * any other error unchanged.
 */
export function explainConnectionFailure(error: unknown, settings: Pick<ConnectionSettings, 'DB_SSL' | 'DB_SSL_CA'>): unknown {
  // isNativeError: node:tls errors may come from another realm (a test's VM context), where instanceof fails.
  if (!(error instanceof Error || types.isNativeError(error))) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const explained = (text: string) => new Error(`${text} (${error.message})`, { cause: error });
  if (settings.DB_SSL === 'disable') {
    // PostgreSQL's words when only hostssl lines of pg_hba.conf would admit the connection.
    return /no encryption/i.test(error.message)
      ? explained('The database server refuses unencrypted connections: set DB_SSL=verify-full (with DB_SSL_CA) or DB_SSL=require')
      : error;
  }
  if (/does not support SSL/i.test(error.message)) {
    return explained(
      `DB_SSL=${settings.DB_SSL} requires TLS, and the database server does not offer it: enable ssl on the server, or set DB_SSL=disable`,
    );
  }
  if (settings.DB_SSL === 'verify-full' && code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return explained(
      "DB_SSL=verify-full refused the database server's certificate: it does not name the host of the database URL; connect by a name it carries",
    );
  }
  if (settings.DB_SSL === 'verify-full' && CERTIFICATE_REFUSED.test(code)) {
    const trusted = settings.DB_SSL_CA === undefined ? "Node's trusted CAs (DB_SSL_CA is not set)" : `DB_SSL_CA (${settings.DB_SSL_CA})`;
    return explained(`DB_SSL=verify-full refused the database server's certificate: no CA in ${trusted} vouches for it`);
  }
  return error;
}
