/** A scheduled job that must run once per period across every instance sharing the database. */
export interface ClusterJob {
  /** The lease's key, also the job's name in logs and outcomes. */
  name: string;
  /** Periods are aligned to the epoch (an hour's start at :00 UTC): one run per period, cluster-wide. */
  periodMs: number;
}

export const HOUR_MS = 3_600_000;

/** Why an instance did not run a job: another holds it, it already ran this period, or there is no lease store (no schema owner). */
export type SkipReason = 'held-elsewhere' | 'done-this-period' | 'no-owner';

/** What one instance did when a job's time came; `period` is the start of the period it was for. */
export type JobOutcome =
  | { job: string; period: Date; status: 'ran'; durationMs: number }
  | { job: string; period: Date; status: 'failed'; durationMs: number; error: unknown }
  | { job: string; period: Date; status: 'skipped'; reason: SkipReason };

export type JobOutcomeListener = (outcome: JobOutcome) => void;
