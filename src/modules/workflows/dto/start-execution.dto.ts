import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Min } from 'class-validator';

export class StartExecutionDto {
  @ApiPropertyOptional({ minimum: 1, description: 'The version to run; the latest by default.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'At most 64 KiB of JSON.' })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;
}
