import { Injectable } from '@nestjs/common';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal.js';
import { RequestOrigin, TenantContext } from './tenant-context.js';

/** The tenant filter every tenant-scoped entity carries (see TenantScopedEntity). */
export const TENANT_FILTER = 'tenant';
/** Transaction-local settings the row-level security policies read. */
export const TENANT_SETTING = 'app.tenant_id';
export const ACTOR_SETTING = 'app.actor_id';
/** Read by the audit trail's database triggers, which record who changed what from where. */
const AUDIT_SETTINGS = { roles: 'app.actor_roles', requestId: 'app.request_id', ipAddress: 'app.ip_address', userAgent: 'app.user_agent' };
const MAX_USER_AGENT_LENGTH = 512;

/**
 * Runs work as a tenant's unit of work: its own EntityManager fork, filtered to the tenant, inside one
 * transaction whose first statement sets the tenant and actor for row-level security (and, for the
 * audit trail, the actor's roles and the request's origin). Success commits, any error rolls back.
 * Requests get this from the TenantInterceptor; in-process callers (internal services, jobs) call
 * run() themselves and get exactly the same guarantees.
 */
@Injectable()
export class TenantScope {
  constructor(private readonly orm: MikroORM) {}

  run<T>(principal: Principal, work: () => Promise<T>, origin?: RequestOrigin): Promise<T> {
    return TenantContext.run(principal, origin, () =>
      RequestContext.create(this.orm.em, async () => {
        const em = this.orm.em.getContext();
        em.setFilterParams(TENANT_FILTER, { tenantId: principal.tenantId });
        em.setSessionContext({
          variables: {
            [TENANT_SETTING]: principal.tenantId,
            [ACTOR_SETTING]: principal.actorId,
            [AUDIT_SETTINGS.roles]: JSON.stringify(principal.roles),
            [AUDIT_SETTINGS.requestId]: origin?.requestId ?? '',
            [AUDIT_SETTINGS.ipAddress]: origin?.ipAddress ?? '',
            [AUDIT_SETTINGS.userAgent]: origin?.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? '',
          },
        });
        return em.transactional(() => work());
      }),
    );
  }
}
