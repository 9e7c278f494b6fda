import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { ClusterJobs } from '../../platform/jobs/cluster-jobs.js';
import { type ClusterJob, HOUR_MS, type JobOutcome } from '../../platform/jobs/job-outcome.js';
import { DashboardHistory } from './dashboard-history.js';
import { TenantSweep } from './tenant-sweep.js';

/** The actor of expiries in the audit trail (lists and contents they remove): `service:dashboard-history-retention`. */
const EXPIRER = 'dashboard-history-retention';
const JOB: ClusterJob = { name: 'dashboard-history-retention', periodMs: HOUR_MS };

/**
 * Dashboards of a tenant pruned per run: bounds how long one run holds their locks. More wait for
 * the next hour (a change of any of them prunes it at once anyway).
 */
const DASHBOARDS_PER_TENANT_AND_RUN = 500;

/**
 * Every hour, removes the versions replaced more than DASHBOARD_HISTORY_MAX_DAYS ago from dashboards
 * that have not changed since (a change applies the same limit itself), tenant by tenant, on one
 * instance of the cluster.
 */
@Injectable()
export class DashboardHistoryRetentionJob {
  constructor(
    private readonly sweep: TenantSweep,
    private readonly history: DashboardHistory,
    private readonly jobs: ClusterJobs,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: JOB.name })
  runOncePerHour(): Promise<JobOutcome> {
    return this.jobs.runOncePerPeriod(JOB, () => this.run());
  }

  /** Returns how many versions were removed. */
  run(): Promise<number> {
    return this.sweep.run(this.history.tenantsWithExpiredVersions(), EXPIRER, () =>
      this.history.pruneExpired(DASHBOARDS_PER_TENANT_AND_RUN),
    );
  }
}
