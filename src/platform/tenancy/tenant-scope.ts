import { Injectable } from '@nestjs/common';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal.js';
import { RequestOrigin, TenantContext } from './tenant-context.js';

/** The tenant filter every tenant-scoped entity carries (see TenantScopedEntity). */
export const TENANT_FILTER = 'tenant';
/** Transaction-local settings the row-level security policies read. */
export const TENANT_SETTING = 'app.tenant_id';
export const ACTOR_SETTING = 'app.actor_id';

/**
 * Runs work as a tenant's unit of work: its own EntityManager fork, filtered to the tenant, inside one
 * transaction whose first statement sets the tenant and actor for row-level security. Success
 * commits, any error rolls back. Requests get this from the TenantInterceptor; in-process callers
 * (internal services, jobs) call run() themselves and get exactly the same guarantees.
 */
@Injectable()
export class TenantScope {
  constructor(private readonly orm: MikroORM) {}

  run<T>(principal: Principal, work: () => Promise<T>, origin?: RequestOrigin): Promise<T> {
    return TenantContext.run(principal, origin, () =>
      RequestContext.create(this.orm.em, async () => {
        const em = this.orm.em.getContext();
        em.setFilterParams(TENANT_FILTER, { tenantId: principal.tenantId });
        em.setSessionContext({ variables: { [TENANT_SETTING]: principal.tenantId, [ACTOR_SETTING]: principal.actorId } });
        return em.transactional(() => work());
      }),
    );
  }
}
