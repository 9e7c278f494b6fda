import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { Environment } from '../../config/environment.js';
import { ClusterJobs } from '../../platform/jobs/cluster-jobs.js';
import { type ClusterJob, HOUR_MS, type JobOutcome } from '../../platform/jobs/job-outcome.js';
import { AuditRetentionRepository } from './audit-retention.repository.js';

const DAY_MS = 86_400_000;
const JOB: ClusterJob = { name: 'audit-retention', periodMs: HOUR_MS };

/**
 * AUDIT_RETENTION_DAYS: every hour, each tenant's entries older than that are deleted by the
 * database's audit_apply_retention(), which appends a checkpoint entry so the shortened chains still
 * verify. Runs as the schema owner (the runtime role cannot delete audit entries), one tenant per
 * transaction; the owner may list the tenants of the trail (and nothing else) across tenants. One
 * instance of the cluster runs it each hour: two overlapping runs would each append a checkpoint.
 */
@Injectable()
export class AuditRetentionJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuditRetentionJob.name);
  private readonly retentionDays?: number;

  constructor(
    private readonly retention: AuditRetentionRepository,
    private readonly jobs: ClusterJobs,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('AUDIT_RETENTION_DAYS', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (this.retentionDays && !this.retention.available) {
      throw new Error('AUDIT_RETENTION_DAYS needs DATABASE_OWNER_URL: only the schema owner may delete audit entries');
    }
  }

  @Cron(CronExpression.EVERY_HOUR, { name: JOB.name })
  runOncePerHour(): Promise<JobOutcome> {
    return this.jobs.runOncePerPeriod(JOB, () => this.run());
  }

  /** Returns how many entries were deleted. */
  async run(now = new Date()): Promise<number> {
    if (!this.retentionDays) {
      return 0;
    }
    const cutoff = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const tenants = await this.retention.tenantsWithATrail();
    let removed = 0;
    for (const tenant of tenants) {
      try {
        removed += await this.retention.applyRetention(tenant, cutoff);
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
