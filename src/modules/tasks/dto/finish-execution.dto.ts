import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';

export class FinishExecutionDto {
  @ApiProperty({ enum: ['completed', 'failed'] })
  @IsIn(['completed', 'failed'])
  status!: 'completed' | 'failed';

  @ApiPropertyOptional({ description: 'Any JSON the agent produced.' })
  @IsOptional()
  output?: unknown;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  durationMs?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(2_147_483_647)
  tokensUsed?: number;

  @ApiPropertyOptional({ description: 'Any JSON; required when status is failed.' })
  @ValidateIf((finish: FinishExecutionDto) => finish.status === 'failed' || finish.error !== undefined)
  @IsDefined({ message: 'error is required when status is failed' })
  error?: unknown;
}
