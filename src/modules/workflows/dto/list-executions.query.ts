import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Min } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { EXECUTION_STATES, type ExecutionState } from '../execution-state.js';
import { WORKFLOW_NAME_PATTERN } from '../workflow-name.js';

export class ListExecutionsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EXECUTION_STATES })
  @IsOptional()
  @IsIn(EXECUTION_STATES)
  state?: ExecutionState;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

export class CountExecutionsQuery {
  @ApiPropertyOptional({ enum: EXECUTION_STATES })
  @IsOptional()
  @IsIn(EXECUTION_STATES)
  state?: ExecutionState;

  @ApiPropertyOptional({ description: 'A workflow name.' })
  @IsOptional()
  @IsString()
  @Matches(WORKFLOW_NAME_PATTERN)
  workflow?: string;
}
