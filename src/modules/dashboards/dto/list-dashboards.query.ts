import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';

export class ListDashboardsQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  ownerId?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'Part of the name, case-insensitive.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  q?: string;
}

export class DeleteDashboardQuery {
  @ApiPropertyOptional({ default: false, description: 'true: delete for good (widgets, history and configs with it) instead of moving to the trash.' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  permanent?: boolean;
}
