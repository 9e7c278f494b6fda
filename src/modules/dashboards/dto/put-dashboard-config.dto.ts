import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { MAX_VERSION } from '../../../platform/http/preconditions.js';

export const MAX_CONFIG_FILTERS = 100;

/** The calling user's whole view of a dashboard (PUT replaces it; an absent member is reset to empty). */
export class PutDashboardConfigDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Keyed by widget id.' })
  @IsOmittable() @IsObject()
  chartCustomizations?: Record<string, unknown>;

  @ApiPropertyOptional({ maxLength: 100, nullable: true, example: 'dark' })
  @IsOptional() @IsString() @MaxLength(100)
  theme?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'Layout overrides, e.g. positions keyed by widget id.' })
  @IsOptional() @IsObject()
  layout?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'array', items: {}, maxItems: MAX_CONFIG_FILTERS, description: 'The user’s filter values.' })
  @IsOmittable() @IsArray() @ArrayMaxSize(MAX_CONFIG_FILTERS)
  filters?: unknown[];

  @ApiPropertyOptional({ minimum: 0, description: 'The config version this change is based on (0: none saved yet); stale → 412.' })
  @IsOmittable() @IsInt() @Min(0) @Max(MAX_VERSION)
  version?: number;
}
