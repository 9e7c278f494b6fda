import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { DashboardsService } from './dashboards.service.js';
import { TenantSweep } from './tenant-sweep.js';

/** The actor of purges in the audit trail: `service:dashboard-trash-retention`. */
const PURGER = 'dashboard-trash-retention';

/** Every hour, deletes for good the trash older than DASHBOARD_TRASH_RETENTION_DAYS, tenant by tenant. */
@Injectable()
export class DashboardTrashPurgeJob {
  constructor(
    private readonly sweep: TenantSweep,
    private readonly dashboards: DashboardsService,
  ) {}

  /** Returns how many dashboards were purged. */
  @Cron(CronExpression.EVERY_HOUR, { name: 'dashboard-trash-purge' })
  run(): Promise<number> {
    return this.sweep.run(this.dashboards.tenantsWithExpiredTrash(), PURGER, () => this.dashboards.purgeExpiredTrash());
  }
}
