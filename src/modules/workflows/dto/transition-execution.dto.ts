import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { EXECUTION_STATES, ExecutionState } from '../execution-state.js';

export class TransitionExecutionDto {
  @ApiProperty({ enum: EXECUTION_STATES })
  @IsIn(EXECUTION_STATES)
  to!: ExecutionState;

  @ApiPropertyOptional({ maxLength: 10_000, description: 'Required when moving to failed, and only then.' })
  @ValidateIf((move: TransitionExecutionDto) => move.to === ExecutionState.Failed || move.errorMessage !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'errorMessage is required when moving to failed' })
  @MaxLength(10_000)
  errorMessage?: string;
}
