import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { ASSET_TYPE_PATTERN, KNOWN_ASSET_TYPES } from '../asset-type.js';

export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 100;
export const MAX_NAME_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 10_000;

/** Tags are kept trimmed and without duplicates, in the order given. */
export function distinctTrimmedTags({ value }: { value: unknown }): unknown {
  return Array.isArray(value) ? [...new Set(value.map((tag) => (typeof tag === 'string' ? tag.trim() : tag)))] : value;
}

const NOT_BLANK = /\S/;

export class CreateAssetDto {
  @ApiProperty({ maxLength: MAX_NAME_LENGTH, example: 'warehouse.sales.orders', description: 'Unique in the tenant.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(MAX_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string | null;

  @ApiProperty({
    pattern: ASSET_TYPE_PATTERN.source,
    example: 'table',
    description: `An open vocabulary of identifiers; documented: ${KNOWN_ASSET_TYPES.join(', ')}.`,
  })
  @IsString()
  @Matches(ASSET_TYPE_PATTERN, {
    message: 'assetType must be an identifier: lower case letters, digits and underscores, starting with a letter, at most 50',
  })
  assetType!: string;

  @ApiPropertyOptional({ maxLength: MAX_NAME_LENGTH, nullable: true, description: 'The team or person answerable for the asset.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_NAME_LENGTH)
  owner?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS })
  @IsOmittable()
  @Transform(distinctTrimmedTags)
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Any JSON (at most 64 KiB).', nullable: true })
  @IsOptional()
  metadata?: unknown;
}
