import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDate, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Transform, Type } from 'class-transformer';
import { PageQuery } from '../../../platform/pagination/page.js';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';
import { TASK_STATES, type TaskState } from '../task-state.js';

const commaSeparated = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value);

export class ListTasksQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TASK_STATES, isArray: true, description: 'One state, or several comma-separated.' })
  @IsOptional() @Transform(commaSeparated) @IsIn(TASK_STATES, { each: true })
  state?: TaskState[];

  @ApiPropertyOptional()
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  projectId?: string;

  @ApiPropertyOptional({ enum: AGENT_TYPES })
  @IsOptional() @IsIn(AGENT_TYPES)
  currentAgent?: AgentType;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after.' })
  @IsOptional() @Type(() => Date) @IsDate()
  createdFrom?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before.' })
  @IsOptional() @Type(() => Date) @IsDate()
  createdTo?: Date;
}
