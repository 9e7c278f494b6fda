import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ClusterJobs } from '../jobs/cluster-jobs.js';
import type { JobOutcome } from '../jobs/job-outcome.js';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * What this instance did each time a scheduled job was due (ran, failed, or skipped because another
 * instance holds or held it), and when it last ran one successfully: across instances,
 * `time() - max by (job) (jobs_last_success_timestamp_seconds)` says how long a job has not run anywhere.
 */
@Injectable()
export class JobMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly runs: Counter<'job' | 'outcome'>;
  private readonly lastSuccess: Gauge<'job'>;
  private unsubscribe?: () => void;

  constructor(
    private readonly jobs: ClusterJobs,
    registry: MetricsRegistry,
  ) {
    this.runs = new Counter({
      name: 'jobs_runs_total',
      help: 'Scheduled jobs due in this instance, by job and outcome: ran, failed, skipped (another instance holds or ran the period).',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    });
    this.lastSuccess = new Gauge({
      name: 'jobs_last_success_timestamp_seconds',
      help: 'When this instance last finished a run of the job without error (Unix time).',
      labelNames: ['job'],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.unsubscribe = this.jobs.onJobOutcome((outcome) => this.record(outcome));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private record(outcome: JobOutcome): void {
    this.runs.inc({ job: outcome.job, outcome: outcome.status });
    if (outcome.status === 'ran') this.lastSuccess.setToCurrentTime({ job: outcome.job });
  }
}
