import type { StatsBucket } from './dto/audit-stats.query.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Per bucket width: its length, the widest range one call may ask for, and the range by default. */
export const STATS_LIMITS: Record<StatsBucket, { bucketMs: number; maxRangeMs: number; defaultRangeMs: number; maxRangeText: string }> = {
  hour: { bucketMs: HOUR_MS, maxRangeMs: 7 * DAY_MS, defaultRangeMs: DAY_MS, maxRangeText: '7 days' },
  day: { bucketMs: DAY_MS, maxRangeMs: 92 * DAY_MS, defaultRangeMs: 30 * DAY_MS, maxRangeText: '92 days' },
};

/** How many entries of one action family (the action up to its first dot) a bucket holds. */
export interface FamilyCount {
  /** The bucket's start, ISO 8601 UTC. */
  bucket: string;
  family: string;
  count: number;
}

export interface ActivityStats {
  from: string;
  to: string;
  bucket: StatsBucket;
  /** Every family with an entry in the range, the busiest first. */
  families: string[];
  total: number;
  /** Every bucket of the range, oldest first, empty ones included. */
  buckets: { start: string; total: number; counts: Record<string, number> }[];
}

/** The start of the UTC bucket that holds `instant`. */
export function bucketStart(instant: Date, bucket: StatsBucket): Date {
  const { bucketMs } = STATS_LIMITS[bucket];
  return new Date(Math.floor(instant.getTime() / bucketMs) * bucketMs);
}

/** Counts per bucket and family, spread over every bucket of [from, to) (empty ones too). */
export function activityStats(from: Date, to: Date, bucket: StatsBucket, rows: FamilyCount[]): ActivityStats {
  const { bucketMs } = STATS_LIMITS[bucket];
  const byStart = new Map<string, { start: string; total: number; counts: Record<string, number> }>();
  for (let start = bucketStart(from, bucket).getTime(); start < to.getTime(); start += bucketMs) {
    const iso = new Date(start).toISOString();
    byStart.set(iso, { start: iso, total: 0, counts: {} });
  }
  const familyTotals = new Map<string, number>();
  for (const row of rows) {
    const slot = byStart.get(new Date(row.bucket).toISOString());
    if (!slot) continue;
    slot.counts[row.family] = (slot.counts[row.family] ?? 0) + row.count;
    slot.total += row.count;
    familyTotals.set(row.family, (familyTotals.get(row.family) ?? 0) + row.count);
  }
  const families = [...familyTotals.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([family]) => family);
  const buckets = [...byStart.values()];
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    families,
    total: buckets.reduce((sum, slot) => sum + slot.total, 0),
    buckets,
  };
}
