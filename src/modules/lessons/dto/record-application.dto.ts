import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class RecordApplicationDto {
  @ApiPropertyOptional({ description: 'Whether applying the lesson helped; moves successRate.' })
  @IsOptional()
  @IsBoolean()
  success?: boolean;
}
