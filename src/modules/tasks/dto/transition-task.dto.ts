import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, ValidateIf } from 'class-validator';
import { TASK_STATES, TaskState } from '../task-state.js';

export class TransitionTaskDto {
  @ApiProperty({ enum: TASK_STATES })
  @IsIn(TASK_STATES)
  to!: TaskState;

  @ApiPropertyOptional({ description: 'Any JSON; only when moving to completed.' })
  @IsOptional()
  result?: unknown;

  @ApiPropertyOptional({ description: 'Any JSON; required when moving to failed, and only then.' })
  @ValidateIf((transition: TransitionTaskDto) => transition.to === TaskState.Failed)
  @IsDefined({ message: 'error is required when moving to failed' })
  error?: unknown;
}
