import { Injectable } from '@nestjs/common';
import type { Principal } from '../../platform/auth/principal.js';
import type { RequestOrigin } from '../../platform/tenancy/tenant-context.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';
import { AuditEntryRepository, type AuditEvent } from './audit-entry.repository.js';

/**
 * Records what changes no row but belongs in the trail (a refusal, an export), in a unit of work of
 * its own; the sealing trigger adds the actor, origin, time and chain link as for any entry.
 */
@Injectable()
export class AuditEvents {
  constructor(
    private readonly tenantScope: TenantScope,
    private readonly entries: AuditEntryRepository,
  ) {}

  async record(principal: Principal, origin: RequestOrigin | undefined, event: AuditEvent): Promise<void> {
    await this.tenantScope.run(principal, () => this.entries.add(event), origin);
  }
}
