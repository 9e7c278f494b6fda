import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsOptional } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { CreateProjectDto } from './create-project.dto.js';

/** Each field optional; `settings` replaces the whole object. Archive with `archived` (now) or `archivedAt` (a given instant). */
export class UpdateProjectDto extends PartialType(CreateProjectDto, {
  // Absent means "unchanged"; null is validated (and refused where it is not allowed) like any other value.
  skipNullProperties: false,
}) {
  @ApiPropertyOptional({ description: 'true archives the project (now, unless it already is); false unarchives it.' })
  @IsOmittable()
  @IsBoolean()
  archived?: boolean;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'When it was archived; null unarchives it.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  archivedAt?: Date | null;
}
