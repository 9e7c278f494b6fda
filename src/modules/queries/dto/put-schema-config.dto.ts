import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { MAX_VERSION } from '../../../platform/http/preconditions.js';
import { IDENTIFIER } from './query-definition.dto.js';

export const MAX_SCHEMA_TABLES = 500;
export const MAX_SCHEMA_COLUMNS = 500;

export class SchemaColumnDto {
  @ApiProperty({ maxLength: 63, pattern: IDENTIFIER.source })
  @IsString()
  @MaxLength(63)
  @Matches(IDENTIFIER, { message: 'name must be an identifier' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOmittable()
  @IsString()
  @MaxLength(255)
  displayName?: string;

  @ApiPropertyOptional({ maxLength: 50, example: 'numeric' })
  @IsOmittable()
  @IsString()
  @MaxLength(50)
  type?: string;
}

export class SchemaTableDto {
  @ApiProperty({ maxLength: 63, pattern: IDENTIFIER.source })
  @IsString()
  @MaxLength(63)
  @Matches(IDENTIFIER, { message: 'name must be an identifier' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 63, pattern: IDENTIFIER.source })
  @IsOmittable()
  @IsString()
  @MaxLength(63)
  @Matches(IDENTIFIER, { message: 'schema must be an identifier' })
  schema?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOmittable()
  @IsString()
  @MaxLength(255)
  displayName?: string;

  @ApiProperty({ type: [SchemaColumnDto], maxItems: MAX_SCHEMA_COLUMNS })
  @IsArray()
  @ArrayMaxSize(MAX_SCHEMA_COLUMNS)
  @ValidateNested({ each: true })
  @Type(() => SchemaColumnDto)
  columns!: SchemaColumnDto[];
}

/** The whole configuration (PUT replaces it); `version` (or If-Match) makes the write conditional. */
export class PutSchemaConfigDto {
  @ApiProperty({ type: [SchemaTableDto], maxItems: MAX_SCHEMA_TABLES, description: 'Empty: any table may be queried.' })
  @IsArray()
  @ArrayMaxSize(MAX_SCHEMA_TABLES)
  @ValidateNested({ each: true })
  @Type(() => SchemaTableDto)
  tables!: SchemaTableDto[];

  @ApiPropertyOptional({ minimum: 0, description: 'The version this change is based on (0: none saved yet); stale → 412.' })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(MAX_VERSION)
  version?: number;
}
