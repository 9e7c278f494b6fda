import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { ExecutionStatus, FINISHED_STATUSES } from '../task-execution.entity.js';

export class FinishExecutionDto {
  @ApiProperty({ enum: FINISHED_STATUSES })
  @IsIn(FINISHED_STATUSES)
  status!: (typeof FINISHED_STATUSES)[number];

  @ApiPropertyOptional({ description: 'Any JSON the agent produced.' })
  @IsOptional()
  output?: unknown;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  durationMs?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  tokensUsed?: number;

  @ApiPropertyOptional({ description: 'Any JSON; required when status is failed.' })
  @ValidateIf((finish: FinishExecutionDto) => finish.status === ExecutionStatus.Failed || finish.error !== undefined)
  @IsDefined({ message: 'error is required when status is failed' })
  error?: unknown;
}
