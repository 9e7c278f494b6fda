import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { IDENTIFIER } from '../../queries/dto/query-definition.dto.js';

export const MAX_NAME_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const MAX_COLUMNS = 48;
export const MAX_FILTERS = 50;
export const MAX_ALLOWED_VIEWERS = 1_000;
export const FILTER_TYPES = ['date_range', 'select', 'multi_select', 'text', 'number_range'] as const;
const NOT_BLANK = /\S/;

/** The grid of a dashboard; a missing member takes its default ({columns: 12, rowHeight: 50, margin: [10, 10]}). */
export class DashboardLayoutDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_COLUMNS, default: 12 })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MAX_COLUMNS)
  columns?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000, default: 50, description: 'Pixels.' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(1_000)
  rowHeight?: number;

  @ApiPropertyOptional({ type: [Number], minItems: 2, maxItems: 2, default: [10, 10], description: '[horizontal, vertical] pixels.' })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(100, { each: true })
  margin?: [number, number];
}

export class DashboardFilterDto {
  @ApiProperty({ maxLength: 100, description: 'Unique within the dashboard.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'id must not be blank' })
  @MaxLength(100)
  id!: string;

  @ApiProperty({ enum: FILTER_TYPES })
  @IsIn(FILTER_TYPES)
  type!: (typeof FILTER_TYPES)[number];

  @ApiProperty({ maxLength: 255 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'label must not be blank' })
  @MaxLength(255)
  label!: string;

  @ApiProperty({ maxLength: 63, pattern: IDENTIFIER.source, description: 'The column it filters.' })
  @IsString()
  @MaxLength(63)
  @Matches(IDENTIFIER, { message: 'field must be an identifier' })
  field!: string;

  @ApiPropertyOptional({ maxLength: 63, pattern: IDENTIFIER.source })
  @IsOmittable()
  @IsString()
  @MaxLength(63)
  @Matches(IDENTIFIER, { message: 'table must be an identifier' })
  table?: string;

  @ApiPropertyOptional({ description: 'Any JSON (counted in the 64 KiB cap of `filters`).' })
  @IsOptional()
  defaultValue?: unknown;
}

/** User ids compared as given, without duplicates. */
const distinct = ({ value }: { value: unknown }) => (Array.isArray(value) ? [...new Set(value)] : value);

export class CreateDashboardDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_NAME_LENGTH, description: 'Unique among the tenant’s live dashboards, case-insensitively.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(MAX_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'A project of the tenant it belongs to (unknown or another tenant’s: 400); null: none.',
  })
  @IsOptional()
  @IsUUID()
  projectId?: string | null;

  @ApiPropertyOptional({ type: DashboardLayoutDto })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => DashboardLayoutDto)
  layout?: DashboardLayoutDto;

  @ApiPropertyOptional({ type: [DashboardFilterDto], maxItems: MAX_FILTERS })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_FILTERS)
  @ValidateNested({ each: true })
  @Type(() => DashboardFilterDto)
  @ArrayUnique((filter: DashboardFilterDto) => filter?.id, { message: 'filters must have distinct ids' })
  filters?: DashboardFilterDto[];

  @ApiPropertyOptional({ default: false })
  @IsOmittable()
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ALLOWED_VIEWERS,
    description: 'User ids (token subjects, exactly) who may see it besides the owner.',
  })
  @IsOmittable()
  @Transform(distinct)
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_VIEWERS)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  @Matches(NOT_BLANK, { each: true, message: 'each value in allowedViewers must be a user id, not blank' })
  allowedViewers?: string[];
}
