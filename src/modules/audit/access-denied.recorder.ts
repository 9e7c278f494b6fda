import { Injectable } from '@nestjs/common';
import { sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { AccessDeniedRecorder, DeniedAccess } from '../../platform/auth/access-denied.js';
import type { Principal } from '../../platform/auth/principal.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';

/** Records each 403 as an `access.denied` entry, in a unit of work of its own. */
@Injectable()
export class AccessDeniedAuditRecorder implements AccessDeniedRecorder {
  constructor(
    private readonly tenantScope: TenantScope,
    private readonly em: EntityManager,
  ) {}

  async record(principal: Principal, denied: DeniedAccess): Promise<void> {
    const details = { method: denied.method, path: denied.path, reason: denied.reason };
    await this.tenantScope.run(
      principal,
      () => this.em.execute(sql`
        insert into audit_entries (tenant_id, action, resource_type, resource_id, details)
        values (${principal.tenantId}, 'access.denied', 'access', null, ${JSON.stringify(details)}::jsonb)`),
      denied.origin,
    );
  }
}
