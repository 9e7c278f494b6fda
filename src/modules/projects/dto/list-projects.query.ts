import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { MAX_PROJECT_NAME_LENGTH } from '../project-limits.js';

/** The filters of the project list and of its count. */
export class ProjectFiltersQuery {
  @ApiPropertyOptional({
    maxLength: MAX_PROJECT_NAME_LENGTH,
    description: 'Part of the name, case-insensitive (% and _ match themselves).',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PROJECT_NAME_LENGTH)
  q?: string;

  @ApiPropertyOptional({ description: 'Only archived projects (true) or only active ones (false); absent: both.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  archived?: boolean;
}

/** `?limit=&cursor=` and the filters. */
export class ListProjectsQuery extends IntersectionType(PageQuery, ProjectFiltersQuery) {}
