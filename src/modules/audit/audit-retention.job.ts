import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { Environment } from '../../config/environment.js';
import { MaintenanceDatabase } from '../../platform/database/maintenance-database.js';
import { ACTOR_SETTING, TENANT_SETTING } from '../../platform/tenancy/tenant-scope.js';

const DAY_MS = 86_400_000;
/** The distinct tenants of the trail, one index probe each (a loose index scan) rather than a scan of every entry. */
const TENANTS_WITH_A_TRAIL = `
  with recursive tenants as (
    select min(tenant_id) as tenant_id from audit_entries
    union all
    select (select min(tenant_id) from audit_entries where tenant_id > tenants.tenant_id) from tenants where tenants.tenant_id is not null
  )
  select tenant_id from tenants where tenant_id is not null`;
const RETENTION_ACTOR = 'system:audit-retention';

/**
 * AUDIT_RETENTION_DAYS: every hour, each tenant's entries older than that are deleted by the
 * database's audit_apply_retention(), which appends a checkpoint entry so the shortened chains still
 * verify. Runs as the schema owner (the runtime role cannot delete audit entries), one tenant per
 * transaction; the owner may list the tenants of the trail (and nothing else) across tenants.
 */
@Injectable()
export class AuditRetentionJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditRetentionJob.name);
  private readonly retentionDays?: number;

  constructor(
    private readonly maintenance: MaintenanceDatabase,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('AUDIT_RETENTION_DAYS', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (this.retentionDays && !this.maintenance.available) {
      throw new Error('AUDIT_RETENTION_DAYS needs DATABASE_OWNER_URL: only the schema owner may delete audit entries');
    }
  }

  /** Returns how many entries were deleted. */
  @Cron(CronExpression.EVERY_HOUR, { name: 'audit-retention' })
  async run(now = new Date()): Promise<number> {
    if (!this.retentionDays) {
      return 0;
    }
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const tenants = await this.maintenance.transaction({}, async (owner) => (await owner.query<{ tenant_id: string }>(TENANTS_WITH_A_TRAIL)).rows.map((row) => row.tenant_id));
    let removed = 0;
    for (const tenant of tenants) {
      try {
        removed += await this.maintenance.transaction({ [TENANT_SETTING]: tenant, [ACTOR_SETTING]: RETENTION_ACTOR }, async (owner) =>
          Number((await owner.query<{ removed: string }>('select audit_apply_retention($1) as removed', [cutoff])).rows[0].removed),
        );
      } catch (error) {
        // One tenant's failure (e.g. a timeout on a first, large run) must not stop the others.
        this.logger.error({ err: error, tenantId: tenant }, 'Audit retention failed for a tenant; it is retried next hour');
      }
    }
    if (removed > 0) {
      this.logger.log(`Audit retention removed ${removed} entries older than ${cutoff.toISOString()} across ${tenants.length} tenants`);
    }
    return removed;
  }
}
