import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { MaintenanceDatabase } from '../database/maintenance-database.js';
import { ClusterJobs } from '../jobs/cluster-jobs.js';
import { type ClusterJob, HOUR_MS, type JobOutcome } from '../jobs/job-outcome.js';

/** Keys deleted per statement: each batch is a short transaction, whatever the backlog. */
const BATCH_SIZE = 5_000;
const JOB: ClusterJob = { name: 'idempotency-keys-sweep', periodMs: HOUR_MS };

/**
 * Every hour, on one instance of the cluster, deletes the remembered outcomes whose Idempotency-Key
 * has expired, of every tenant, as the schema owner (its maintenance policy on idempotency_keys allows
 * this sweep). Without it, keys would only go when the same actor sends another idempotent request, so
 * an actor who stops would leave theirs forever.
 */
@Injectable()
export class ExpiredIdempotencyKeysSweep {
  private readonly logger = new Logger(ExpiredIdempotencyKeysSweep.name);

  constructor(
    private readonly maintenance: MaintenanceDatabase,
    private readonly jobs: ClusterJobs,
  ) {}

  @Cron(CronExpression.EVERY_HOUR, { name: JOB.name })
  runOncePerHour(): Promise<JobOutcome> {
    return this.jobs.runOncePerPeriod(JOB, () => this.run());
  }

  /** Returns how many keys were deleted. */
  async run(now = new Date()): Promise<number> {
    if (!this.maintenance.available) return 0;
    let deleted = 0;
    let batch: number;
    do {
      batch = await this.maintenance.transaction(
        {},
        async (owner) =>
          (
            await owner.query(
              'delete from idempotency_keys where id in (select id from idempotency_keys where expires_at <= $1 limit $2)',
              [now, BATCH_SIZE],
            )
          ).rowCount ?? 0,
      );
      deleted += batch;
    } while (batch === BATCH_SIZE);
    if (deleted > 0) this.logger.log(`Deleted ${deleted} expired idempotency keys`);
    return deleted;
  }
}
