import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from './page.js';

/** `?ownerId=&q=` of lists of named, owned resources (dashboards, saved queries), with paging. */
export class OwnedListQuery extends PageQuery {
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
}
