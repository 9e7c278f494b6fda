import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';
import { TASK_STATES, type TaskState } from '../task-state.js';
import { lowerCaseId } from './create-task.dto.js';

const commaSeparated = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value);

/** The filters of the task list and of its count. */
export class TaskFiltersQuery {
  @ApiPropertyOptional({ enum: TASK_STATES, isArray: true, description: 'One state, or several comma-separated.' })
  @IsOptional()
  @Transform(commaSeparated)
  @IsIn(TASK_STATES, { each: true })
  state?: TaskState[];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Transform(lowerCaseId)
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({ enum: AGENT_TYPES })
  @IsOptional()
  @IsIn(AGENT_TYPES)
  currentAgent?: AgentType;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdFrom?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  createdTo?: Date;
}

/** `?limit=&cursor=` and the filters. */
export class ListTasksQuery extends IntersectionType(PageQuery, TaskFiltersQuery) {}
