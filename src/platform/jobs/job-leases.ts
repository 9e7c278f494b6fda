import { Injectable } from '@nestjs/common';
import { MaintenanceDatabase } from '../database/maintenance-database.js';

/** What a claim that failed found: a live holder (and how long its lease has left), or the period already run. */
export type LeaseRefusal = { heldElsewhere: true; msLeft: number } | { heldElsewhere: false };

/**
 * The cluster-wide leases of scheduled jobs, one row per job in `job_leases` (cluster maintenance
 * state: no tenant, no row-level security), read and written as the schema owner only. Every decision
 * is one statement on the database's clock, so instances' clocks never compare with each other, and
 * nothing outlives its transaction (no session lock), which a transaction-mode pooler would break.
 */
@Injectable()
export class JobLeases {
  constructor(private readonly maintenance: MaintenanceDatabase) {}

  get available(): boolean {
    return this.maintenance.available;
  }

  /**
   * Takes the job's lease for `period` unless a live holder has it or that period has already run; a
   * holder that stopped renewing (it died) is taken over once its lease ran out, for the same period.
   */
  async claim(job: string, period: Date, holder: string, leaseMs: number): Promise<boolean> {
    const claimed = await this.maintenance.transaction({}, (owner) =>
      owner.query(
        `insert into job_leases as lease (job, period_start, holder, lease_until)
         values ($1, $2, $3, now() + make_interval(secs => $4))
         on conflict (job) do update
           set period_start = excluded.period_start, holder = excluded.holder, lease_until = excluded.lease_until, finished_at = null
         where (lease.period_start < excluded.period_start and (lease.finished_at is not null or lease.lease_until < now()))
            or (lease.period_start = excluded.period_start and lease.finished_at is null and lease.lease_until < now())
         returning job`,
        [job, period, holder, leaseMs / 1000],
      ),
    );
    return claimed.rowCount === 1;
  }

  /** Why a claim of the job was refused, read after the refusal. */
  async refusal(job: string): Promise<LeaseRefusal> {
    const { rows } = await this.maintenance.transaction({}, (owner) =>
      owner.query<{ held: boolean; ms_left: number }>(
        `select finished_at is null and lease_until >= now() as held,
                greatest(0, ceil(extract(epoch from lease_until - now()) * 1000))::int as ms_left
         from job_leases where job = $1`,
        [job],
      ),
    );
    const [state] = rows;
    return state?.held ? { heldElsewhere: true, msLeft: state.ms_left } : { heldElsewhere: false };
  }

  /** Extends a held lease; false when it is no longer this holder's (it lapsed and was taken over). */
  async renew(job: string, period: Date, holder: string, leaseMs: number): Promise<boolean> {
    const renewed = await this.maintenance.transaction({}, (owner) =>
      owner.query(
        `update job_leases set lease_until = now() + make_interval(secs => $4)
         where job = $1 and period_start = $2 and holder = $3 and finished_at is null`,
        [job, period, holder, leaseMs / 1000],
      ),
    );
    return renewed.rowCount === 1;
  }

  /** Marks the holder's run of the period finished (whatever its outcome): the period is not run again. */
  async release(job: string, period: Date, holder: string): Promise<void> {
    await this.maintenance.transaction({}, (owner) =>
      owner.query(
        `update job_leases set finished_at = now(), lease_until = now()
         where job = $1 and period_start = $2 and holder = $3 and finished_at is null`,
        [job, period, holder],
      ),
    );
  }
}
