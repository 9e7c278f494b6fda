import type pg from 'pg';
import type { Environment } from '../../src/config/environment.js';
import type { Principal } from '../../src/platform/auth/principal.js';

/** Where a request came from, as the audit trail records it. */
export interface Origin {
  requestId: string;
  ipAddress: string;
  userAgent: string;
}

/** The user agent as Tessera bounds it before it reaches the audit trail. */
const MAX_USER_AGENT_LENGTH = 512;

/**
 * The settings that open Tessera's unit of work (TenantScope through MikroORM 7's
 * `setSessionContext`), in its order: one `select set_config(…, true), …` with the values written
 * into the text, which Tessera's pool sends in one message with its BEGIN
 * (src/platform/database/begin-with-first-statement.ts). The twin sends the very same message.
 */
const SETTINGS = [
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'app.tenant_id',
  'app.actor_id',
  'app.actor_roles',
  'app.request_id',
  'app.ip_address',
  'app.user_agent',
] as const;

export type Timeouts = Pick<Environment, 'DB_STATEMENT_TIMEOUT_MS' | 'DB_LOCK_TIMEOUT_MS'>;

/** The twin's unit of work: begin, the tenant's settings, the work, commit (rollback on any error). */
export async function inTenantTransaction<T>(
  pool: pg.Pool,
  timeouts: Timeouts,
  statementTimeoutMs: number,
  principal: Principal,
  origin: Origin,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    const values = [
      String(statementTimeoutMs),
      String(timeouts.DB_LOCK_TIMEOUT_MS),
      String(2 * timeouts.DB_STATEMENT_TIMEOUT_MS),
      principal.tenantId,
      principal.actorId,
      JSON.stringify(principal.roles),
      origin.requestId,
      origin.ipAddress,
      origin.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
    ];
    const settings = SETTINGS.map(
      (setting, index) => `set_config(${client.escapeLiteral(setting)}, ${client.escapeLiteral(values[index])}, true)`,
    );
    await client.query(`begin;select ${settings.join(', ')}`);
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
