import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/** The fields of an OpenLineage 2-0-2 RunEvent (docs/openlineage/) that Tessera reads; facets are kept as given. */
export const RUN_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type RunEventType = (typeof RUN_EVENT_TYPES)[number];
export const MAX_DATASETS_PER_EVENT = 100;

export class OpenLineageDatasetDto {
  @ApiProperty({ example: 'postgres://db:5432' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  namespace!: string;

  @ApiProperty({ example: 'sales.public.orders' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1_000)
  name!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  facets?: Record<string, unknown>;
}

export class OpenLineageRunDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  runId!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  facets?: Record<string, unknown>;
}

export class OpenLineageJobDto {
  @ApiProperty({ example: 'airflow://prod' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  namespace!: string;

  @ApiProperty({ example: 'orders_dag.load_orders' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1_000)
  name!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  facets?: Record<string, unknown>;
}

export class RunEventDto {
  @ApiPropertyOptional({ enum: RUN_EVENT_TYPES })
  @IsOptional()
  @IsIn(RUN_EVENT_TYPES)
  eventType?: RunEventType;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  eventTime!: string;

  @ApiProperty({ format: 'uri' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2_000)
  producer!: string;

  @ApiProperty({ format: 'uri' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2_000)
  schemaURL!: string;

  @ApiProperty({ type: OpenLineageRunDto })
  @ValidateNested()
  @Type(() => OpenLineageRunDto)
  run!: OpenLineageRunDto;

  @ApiProperty({ type: OpenLineageJobDto })
  @ValidateNested()
  @Type(() => OpenLineageJobDto)
  job!: OpenLineageJobDto;

  @ApiPropertyOptional({ type: [OpenLineageDatasetDto], maxItems: MAX_DATASETS_PER_EVENT })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_DATASETS_PER_EVENT)
  @ValidateNested({ each: true })
  @Type(() => OpenLineageDatasetDto)
  inputs?: OpenLineageDatasetDto[];

  @ApiPropertyOptional({ type: [OpenLineageDatasetDto], maxItems: MAX_DATASETS_PER_EVENT })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_DATASETS_PER_EVENT)
  @ValidateNested({ each: true })
  @Type(() => OpenLineageDatasetDto)
  outputs?: OpenLineageDatasetDto[];
}
