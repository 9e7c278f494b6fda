import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class DeleteDashboardQuery {
  @ApiPropertyOptional({
    default: false,
    description: 'true: delete for good (widgets, history and configs with it) instead of moving to the trash.',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  permanent?: boolean;
}
