import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { TASK_STATES, type TaskState } from '../task-state.js';

export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TASK_STATES, isArray: true, description: 'One state, or several comma-separated.' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',') : value))
  @IsIn(TASK_STATES, { each: true })
  state?: TaskState[];

  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  projectId?: string;
}
