import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';

/** The time range of an audit query: `from` inclusive, `to` exclusive. */
export class AuditRangeQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Recorded at or after.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Recorded before.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class AuditFilterQuery extends AuditRangeQuery {
  @ApiPropertyOptional({ description: 'The token subject, or `service:<sub>` for a service.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  actorId?: string;

  @ApiPropertyOptional({ description: 'An action (`task.transition`), or a prefix ending with a dot (`dashboard.`).' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z_]+(\.[a-z_]*)?$/, { message: 'action must be an action such as task.create, or a prefix such as task.' })
  action?: string;

  @ApiPropertyOptional({ example: 'task' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  resourceId?: string;

  @ApiPropertyOptional({ description: 'The X-Request-Id of the request that made the change.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  requestId?: string;
}

export class ListAuditLogsQuery extends IntersectionType(PageQuery, AuditFilterQuery) {}

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportAuditLogsQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'ndjson' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat = 'ndjson';
}
