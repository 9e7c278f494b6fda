import { Injectable } from '@nestjs/common';
import { sql } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../../platform/auth/principal.js';
import type { RequestOrigin } from '../../platform/tenancy/tenant-context.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';

export interface AuditEvent {
  action: string;
  resourceType: string;
  details: Record<string, unknown>;
}

/**
 * Records what changes no row but belongs in the trail (a refusal, an export), in a unit of work of
 * its own; the sealing trigger adds the actor, origin, time and chain link as for any entry.
 */
@Injectable()
export class AuditEvents {
  constructor(
    private readonly tenantScope: TenantScope,
    private readonly em: EntityManager,
  ) {}

  async record(principal: Principal, origin: RequestOrigin | undefined, event: AuditEvent): Promise<void> {
    await this.tenantScope.run(
      principal,
      () => this.em.execute(sql`
        insert into audit_entries (tenant_id, action, resource_type, resource_id, details)
        values (${principal.tenantId}, ${event.action}, ${event.resourceType}, null, ${JSON.stringify(event.details)}::jsonb)`),
      origin,
    );
  }
}
