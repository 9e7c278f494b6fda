import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { ASSET_TYPE_PATTERN } from '../asset-type.js';
import { MAX_NAME_LENGTH, MAX_TAG_LENGTH } from './create-asset.dto.js';

/** The filters of the asset list and of its count. */
export class AssetFiltersQuery {
  @ApiPropertyOptional({ pattern: ASSET_TYPE_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(ASSET_TYPE_PATTERN)
  assetType?: string;

  @ApiPropertyOptional({ maxLength: MAX_NAME_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_NAME_LENGTH)
  owner?: string;

  @ApiPropertyOptional({ maxLength: MAX_TAG_LENGTH, description: 'Assets carrying this tag.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TAG_LENGTH)
  tag?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'Part of the name or description, case-insensitive.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  q?: string;

  @ApiPropertyOptional({
    default: false,
    description: 'The global catalogue’s assets (read-only, every tenant’s) instead of the tenant’s own.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  global?: boolean;
}

/** `?limit=&cursor=` and the filters. */
export class ListAssetsQuery extends IntersectionType(PageQuery, AssetFiltersQuery) {}
