import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import type { Principal } from '../auth/principal.js';
import { DatabaseAvailability, DatabaseUnavailableException } from '../database/database-availability.js';
import { inUnitOfWorkSpan } from '../observability/unit-of-work.span.js';
import { RequestOrigin, TenantContext } from './tenant-context.js';
import { TenantPoolShare, TenantShareExhaustedException } from './tenant-pool-share.js';

/** The tenant filter every tenant-scoped entity carries (see TenantScopedEntity). */
export const TENANT_FILTER = 'tenant';
/** Transaction-local settings the row-level security policies read. */
export const TENANT_SETTING = 'app.tenant_id';
export const ACTOR_SETTING = 'app.actor_id';
/** Read by the audit trail's database triggers, which record who changed what from where. */
const AUDIT_SETTINGS = { roles: 'app.actor_roles', requestId: 'app.request_id', ipAddress: 'app.ip_address', userAgent: 'app.user_agent' };
const MAX_USER_AGENT_LENGTH = 512;

/**
 * The server-side limits of one unit of work, set with the tenant in the transaction's first
 * statement (start-up parameters would break a transaction-mode PgBouncer and cost nothing less).
 */
function transactionTimeouts(config: ConfigService<Environment, true>, statementTimeoutMs: number): Record<string, string> {
  return {
    statement_timeout: String(statementTimeoutMs),
    lock_timeout: String(config.get('DB_LOCK_TIMEOUT_MS', { infer: true })),
    idle_in_transaction_session_timeout: String(2 * config.get('DB_STATEMENT_TIMEOUT_MS', { infer: true })),
  };
}

export interface UnitOfWorkOptions {
  /** Runs under DB_EXPENSIVE_STATEMENT_TIMEOUT_MS (see @ExpensiveRead()). */
  expensive?: boolean;
}

/**
 * Runs work as a tenant's unit of work: its own EntityManager fork, filtered to the tenant, inside one
 * transaction whose first statement sets the tenant and actor for row-level security (and, for the
 * audit trail, the actor's roles and the request's origin) and its timeouts. Success commits, any
 * error rolls back. While the database is known to be down, work is refused at once with a 503; a
 * tenant's units of work hold at most its share of the pool at once (TenantPoolShare).
 * Requests get this from the TenantInterceptor; in-process callers (internal services, jobs) call
 * run() themselves and get exactly the same guarantees.
 */
@Injectable()
export class TenantScope {
  private readonly timeouts: Record<string, string>;
  private readonly expensiveTimeouts: Record<string, string>;

  constructor(
    private readonly orm: MikroORM,
    private readonly availability: DatabaseAvailability,
    private readonly poolShare: TenantPoolShare,
    config: ConfigService<Environment, true>,
  ) {
    this.timeouts = transactionTimeouts(config, config.get('DB_STATEMENT_TIMEOUT_MS', { infer: true }));
    this.expensiveTimeouts = transactionTimeouts(config, config.get('DB_EXPENSIVE_STATEMENT_TIMEOUT_MS', { infer: true }));
  }

  run<T>(principal: Principal, work: () => Promise<T>, origin?: RequestOrigin, options: UnitOfWorkOptions = {}): Promise<T> {
    return inUnitOfWorkSpan(principal.tenantId, () => this.runInContext(principal, work, origin, options));
  }

  private runInContext<T>(
    principal: Principal,
    work: () => Promise<T>,
    origin: RequestOrigin | undefined,
    options: UnitOfWorkOptions,
  ): Promise<T> {
    return TenantContext.run(principal, origin, async () => {
      await this.availability.assertAvailable();
      try {
        return await this.poolShare.run(principal.tenantId, () => this.transaction(principal, work, origin, options), options.expensive);
      } catch (error) {
        // The tenant's slots are held by work stuck on a database that went away meanwhile: say so.
        const unavailable = error instanceof TenantShareExhaustedException ? this.availability.unavailableReason : undefined;
        throw unavailable === undefined ? error : new DatabaseUnavailableException(unavailable);
      }
    });
  }

  private transaction<T>(
    principal: Principal,
    work: () => Promise<T>,
    origin: RequestOrigin | undefined,
    options: UnitOfWorkOptions,
  ): Promise<T> {
    // The global manager forks once for the transaction. Inside another unit of work it would resolve
    // to that one's manager and nest in its transaction: an independent fork keeps this one its own.
    const global = this.orm.em;
    const manager = global.getContext(false) === global ? global : global.fork({ disableContextResolution: true });
    return manager.transactional(work, {
      clear: true,
      sessionContext: {
        variables: {
          ...(options.expensive ? this.expensiveTimeouts : this.timeouts),
          [TENANT_SETTING]: principal.tenantId,
          [ACTOR_SETTING]: principal.actorId,
          [AUDIT_SETTINGS.roles]: JSON.stringify(principal.roles),
          [AUDIT_SETTINGS.requestId]: origin?.requestId ?? '',
          [AUDIT_SETTINGS.ipAddress]: origin?.ipAddress ?? '',
          [AUDIT_SETTINGS.userAgent]: origin?.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? '',
        },
      },
    });
  }
}
