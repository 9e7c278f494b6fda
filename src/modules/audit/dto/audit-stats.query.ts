import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AuditRangeQuery } from './list-audit-logs.query.js';

export const STATS_BUCKETS = ['hour', 'day'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

/** The activity chart's range (`from` inclusive, `to` exclusive) and bucket width. */
export class AuditStatsQuery extends AuditRangeQuery {
  @ApiPropertyOptional({
    enum: STATS_BUCKETS,
    default: 'hour',
    description:
      'Bucket width, in UTC: hour (range ≤ 7 days, default the last 24 hours) or day (range ≤ 92 days, default the last 30 days).',
  })
  @IsOptional()
  @IsIn(STATS_BUCKETS)
  bucket: StatsBucket = 'hour';
}
