import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { MaintenanceDatabase } from '../../platform/database/maintenance-database.js';
import { EXAMPLE_ID, RecordSql } from '../../platform/database/sql/record-sql.decorator.js';
import { queryRowsOn, sql } from '../../platform/database/sql/sql.js';
import { ACTOR_SETTING, TENANT_SETTING } from '../../platform/tenancy/tenant-scope.js';
import { auditTenants } from './audit-tenants.js';

const RETENTION_ACTOR = 'system:audit-retention';

/**
 * The retention job's SQL, run as the schema owner (the runtime role cannot delete audit entries),
 * outside any request's unit of work: one transaction per call. Row-level security still applies to
 * the owner, so each deletion names its tenant in the transaction's settings.
 */
@Injectable()
export class AuditRetentionRepository {
  constructor(
    private readonly maintenance: MaintenanceDatabase,
    private readonly em: EntityManager,
  ) {}

  /** Whether the schema owner is configured at all. */
  get available(): boolean {
    return this.maintenance.available;
  }

  /** The distinct tenants of the trail, one index probe each (a loose index scan) rather than a scan of every entry. */
  @RecordSql()
  tenantsWithATrail(): Promise<string[]> {
    return this.maintenance.transaction({}, async (owner) => {
      const rows = await queryRowsOn(owner, this.em, auditTenants());
      return rows.map((row) => row.tenant_id);
    });
  }

  /**
   * Deletes the tenant's entries recorded before `cutoff` through the database's
   * audit_apply_retention(), which appends a checkpoint entry so the shortened chains still verify.
   * Returns how many were deleted.
   */
  @RecordSql([EXAMPLE_ID, new Date('2000-01-01T00:00:00.000Z')])
  applyRetention(tenantId: string, cutoff: Date): Promise<number> {
    return this.maintenance.transaction({ [TENANT_SETTING]: tenantId, [ACTOR_SETTING]: RETENTION_ACTOR }, async (owner) => {
      const [{ removed }] = await queryRowsOn<{ removed: string }>(owner, this.em, sql`select audit_apply_retention(${cutoff}) as removed`);
      return Number(removed);
    });
  }
}
