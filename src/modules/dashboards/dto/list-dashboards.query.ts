import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { OwnedListQuery } from '../../../platform/pagination/owned-list.query.js';

export const DASHBOARD_SORTS = ['created', 'updated', 'name'] as const;
export type DashboardSort = (typeof DASHBOARD_SORTS)[number];

/** A cursor of the name order carries a name (up to 255 characters of any script), hence a longer cap than other lists'. */
export const MAX_DASHBOARD_CURSOR_LENGTH = 4_096;

/** The filters of dashboard lists and counts: `?ownerId=&q=&projectId=`. */
export class DashboardFiltersQuery {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  ownerId?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'Part of the name, case-insensitive.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the dashboards of this project.' })
  @IsOptional()
  @IsUUID()
  projectId?: string;
}

/** `GET /api/dashboards`: the filters, a sort and the page. */
export class ListDashboardsQuery extends OwnedListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the dashboards of this project.' })
  @IsOptional()
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({
    enum: DASHBOARD_SORTS,
    default: 'created',
    description:
      'created: newest first; updated: most recently changed first (any change of the dashboard or its widgets); name: A–Z, case-insensitive. A cursor continues only the sort it was made for.',
  })
  @IsOptional()
  @IsIn(DASHBOARD_SORTS)
  sort?: DashboardSort = 'created';

  // Redeclared (replacing the inherited checks): a cursor of the name order carries a name.
  @ApiPropertyOptional({
    description: 'The `nextCursor` of the previous page, with the same sort.',
    maxLength: MAX_DASHBOARD_CURSOR_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DASHBOARD_CURSOR_LENGTH)
  override cursor?: string;
}
