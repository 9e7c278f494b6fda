import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { principalOf, Role } from '../../platform/auth/principal.js';
import { MaintenanceDatabase } from '../../platform/database/maintenance-database.js';
import { TenantScope } from '../../platform/tenancy/tenant-scope.js';
import { DashboardsService } from './dashboards.service.js';

/** The actor of purges in the audit trail: `service:dashboard-trash-retention`. */
const PURGER = 'dashboard-trash-retention';

/**
 * Every hour, deletes for good the trash older than DASHBOARD_TRASH_RETENTION_DAYS, tenant by tenant,
 * each in its own tenant unit of work as the runtime role (audited like any delete). Only listing the
 * tenants that have trash needs the schema owner, whose maintenance policy allows that one read.
 */
@Injectable()
export class DashboardTrashPurgeJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(DashboardTrashPurgeJob.name);

  constructor(
    private readonly maintenance: MaintenanceDatabase,
    private readonly tenantScope: TenantScope,
    private readonly dashboards: DashboardsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.maintenance.available) {
      this.logger.warn('No DATABASE_OWNER_URL: expired dashboard trash is hidden but not purged');
    }
  }

  /** Returns how many dashboards were purged. */
  @Cron(CronExpression.EVERY_HOUR, { name: 'dashboard-trash-purge' })
  async run(): Promise<number> {
    if (!this.maintenance.available) {
      return 0;
    }
    const tenants = await this.maintenance.transaction({}, async (owner) =>
      (await owner.query<{ tenant_id: string }>('select distinct tenant_id from dashboards where deleted_at < $1', [this.dashboards.trashCutoff()])).rows,
    );
    let purged = 0;
    for (const { tenant_id: tenant } of tenants) {
      try {
        purged += await this.tenantScope.run(principalOf(tenant, PURGER, [Role.Service]), () => this.dashboards.purgeExpiredTrash());
      } catch (error) {
        this.logger.error({ err: error, tenantId: tenant }, 'Purging expired dashboard trash failed for a tenant; it is retried next hour');
      }
    }
    return purged;
  }
}
