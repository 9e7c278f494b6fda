import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { MAX_VERSION } from '../../../platform/http/preconditions.js';

export const MAX_CONFIG_FILTERS = 100;

/** The calling user's whole view of a dashboard (PUT replaces it; an absent member is reset to empty). */
export class PutDashboardConfigDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Keyed by widget id.' })
  @IsOmittable()
  @IsObject()
  chartCustomizations?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { name: 'dark', palette: ['#1f77b4', '#ff7f0e'], fontSize: 13 },
    description: 'The theme object of the dashboard front-end, as it stores it; at most 16 KiB of JSON.',
  })
  @IsOptional()
  @IsObject()
  theme?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Layout overrides, e.g. positions keyed by widget id.',
  })
  @IsOptional()
  @IsObject()
  layout?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'array', items: {}, maxItems: MAX_CONFIG_FILTERS, description: 'The user’s filter values.' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_CONFIG_FILTERS)
  filters?: unknown[];

  @ApiPropertyOptional({ minimum: 0, description: 'The config version this change is based on (0: none saved yet); stale → 412.' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_VERSION)
  version?: number;
}

/** Device session ids: 1–128 visible ASCII characters (e.g. a UUID the front-end keeps per device). */
export const SESSION_ID = /^[\x21-\x7e]{1,128}$/;

/** `?sessionId=` of GET, PUT and DELETE /dashboards/:id/config: absent is the user's shared config. */
export class DashboardConfigQuery {
  @ApiPropertyOptional({
    maxLength: 128,
    pattern: SESSION_ID.source,
    description:
      'A device session with a config of its own (separate from the shared one, empty until its first PUT); absent: the user’s shared config.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(SESSION_ID, { message: 'sessionId must be 1–128 visible ASCII characters (no spaces)' })
  sessionId?: string;
}
