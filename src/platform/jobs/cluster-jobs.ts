import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment.js';
import { JobLeases } from './job-leases.js';
import type { ClusterJob, JobOutcome, JobOutcomeListener } from './job-outcome.js';

/** Renewals per lease: two can be late (e.g. waiting for the maintenance connection) before it lapses. */
const RENEWALS_PER_LEASE = 3;
/** After a lease's end, so that the look lands when it has lapsed on the database's clock too. */
const TAKEOVER_MARGIN_MS = 250;

/**
 * Runs each scheduled job once per period across all instances: the instance that claims the job's
 * lease for the period runs it, renewing the lease while it works and releasing it at the end; the
 * others skip it. An instance that found the lease held looks again when it runs out, so a holder that
 * dies mid-run is taken over within the same period (after its lease lapsed, never before).
 */
@Injectable()
export class ClusterJobs implements OnApplicationShutdown {
  private readonly logger = new Logger(ClusterJobs.name);
  /** This instance, as the holder of the leases it takes. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly leaseMs: number;
  private readonly listeners = new Set<JobOutcomeListener>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Jobs this instance will look at again: one look per job, however often it found the job held. */
  private readonly looksDue = new Set<string>();
  private stopped = false;

  constructor(
    private readonly leases: JobLeases,
    config: ConfigService<Environment, true>,
  ) {
    this.leaseMs = config.get('JOB_LEASE_MS', { infer: true });
  }

  /** Every job outcome of this instance (the place for metrics to observe jobs); returns the unsubscribe. */
  onJobOutcome(listener: JobOutcomeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` unless another instance runs or ran the job in the current period. Never rejects. */
  runOncePerPeriod(job: ClusterJob, work: () => Promise<unknown>): Promise<JobOutcome> {
    const period = new Date(Math.floor(Date.now() / job.periodMs) * job.periodMs);
    return this.runFor(period, job, work);
  }

  private async runFor(period: Date, job: ClusterJob, work: () => Promise<unknown>): Promise<JobOutcome> {
    const outcome = await this.attempt(period, job, work).catch(
      (error: unknown): JobOutcome => ({ job: job.name, period, status: 'failed', durationMs: 0, error }),
    );
    this.publish(outcome);
    return outcome;
  }

  private async attempt(period: Date, job: ClusterJob, work: () => Promise<unknown>): Promise<JobOutcome> {
    if (!this.leases.available) {
      return { job: job.name, period, status: 'skipped', reason: 'no-owner' };
    }
    if (await this.leases.claim(job.name, period, this.holder, this.leaseMs)) {
      return this.runHolding(period, job, work);
    }
    const refusal = await this.leases.refusal(job.name);
    if (!refusal.heldElsewhere) {
      return { job: job.name, period, status: 'skipped', reason: 'done-this-period' };
    }
    this.lookAgainAfter(refusal.msLeft, period, job, work);
    return { job: job.name, period, status: 'skipped', reason: 'held-elsewhere' };
  }

  private async runHolding(period: Date, job: ClusterJob, work: () => Promise<unknown>): Promise<JobOutcome> {
    const started = performance.now();
    const heartbeat = this.track(setInterval(() => void this.renew(period, job), this.leaseMs / RENEWALS_PER_LEASE));
    try {
      await work();
      return { job: job.name, period, status: 'ran', durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { job: job.name, period, status: 'failed', durationMs: Math.round(performance.now() - started), error };
    } finally {
      this.untrack(heartbeat);
      // Unreleased, the lease lapses and another instance runs the period again: the jobs are idempotent sweeps.
      await this.leases
        .release(job.name, period, this.holder)
        .catch((error: unknown) => this.logger.warn({ err: error, job: job.name }, 'Could not release a job lease; it lapses instead'));
    }
  }

  private async renew(period: Date, job: ClusterJob): Promise<void> {
    try {
      if (!(await this.leases.renew(job.name, period, this.holder, this.leaseMs))) {
        this.logger.warn({ job: job.name, period }, 'A job lease lapsed while its run went on; another instance may run the job too');
      }
    } catch (error) {
      this.logger.warn({ err: error, job: job.name }, 'Could not renew a job lease; retrying at the next renewal');
    }
  }

  /** Looks at the job again when the holder's lease runs out, while its period lasts. */
  private lookAgainAfter(msLeft: number, period: Date, job: ClusterJob, work: () => Promise<unknown>): void {
    const delayMs = msLeft + TAKEOVER_MARGIN_MS;
    if (this.stopped || this.looksDue.has(job.name) || Date.now() + delayMs >= period.getTime() + job.periodMs) return;
    this.looksDue.add(job.name);
    const timer = this.track(
      setTimeout(() => {
        this.untrack(timer);
        this.looksDue.delete(job.name);
        void this.runFor(period, job, work);
      }, delayMs),
    );
  }

  private publish(outcome: JobOutcome): void {
    if (outcome.status === 'failed') {
      const { error, ...fields } = outcome;
      this.logger.error({ ...fields, err: error }, `Job ${outcome.job} failed`);
    } else {
      this.logger.log(outcome, `Job ${outcome.job} ${outcome.status === 'ran' ? 'ran' : `skipped: ${outcome.reason}`}`);
    }
    for (const listener of this.listeners) {
      try {
        listener(outcome);
      } catch (listenerError) {
        this.logger.warn({ err: listenerError, job: outcome.job }, 'A job outcome listener failed');
      }
    }
  }

  private track(timer: NodeJS.Timeout): NodeJS.Timeout {
    this.timers.add(timer.unref());
    return timer;
  }

  private untrack(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** No renewal or second look after shutdown: to the others, this instance is gone. */
  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
