import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DEFAULT_RECENT_TASKS, MAX_RECENT_TASKS } from '../project-limits.js';

export class RecentTasksQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_RECENT_TASKS, default: DEFAULT_RECENT_TASKS })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RECENT_TASKS)
  limit: number = DEFAULT_RECENT_TASKS;
}
