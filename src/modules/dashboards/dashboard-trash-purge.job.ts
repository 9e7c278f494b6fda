import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ClusterJobs } from '../../platform/jobs/cluster-jobs.js';
import { type ClusterJob, HOUR_MS, type JobOutcome } from '../../platform/jobs/job-outcome.js';
import { DashboardsService } from './dashboards.service.js';
import { TenantSweep } from './tenant-sweep.js';

/** The actor of purges in the audit trail: `service:dashboard-trash-retention`. */
const PURGER = 'dashboard-trash-retention';
const JOB: ClusterJob = { name: 'dashboard-trash-purge', periodMs: HOUR_MS };

/** Every hour, on one instance of the cluster, deletes for good the trash older than DASHBOARD_TRASH_RETENTION_DAYS, tenant by tenant. */
@Injectable()
export class DashboardTrashPurgeJob {
  constructor(
    private readonly sweep: TenantSweep,
    private readonly dashboards: DashboardsService,
    private readonly jobs: ClusterJobs,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: JOB.name })
  runOncePerHour(): Promise<JobOutcome> {
    return this.jobs.runOncePerPeriod(JOB, () => this.run());
  }

  /** Returns how many dashboards were purged. */
  run(): Promise<number> {
    return this.sweep.run(this.dashboards.tenantsWithExpiredTrash(), PURGER, () => this.dashboards.purgeExpiredTrash());
  }
}
