import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { lowerCaseId } from './create-task.dto.js';

export class TaskStatsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Count only this project’s tasks.' })
  @IsOptional()
  @Transform(lowerCaseId)
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({ enum: ['project'], description: 'Also break the counts down per project.' })
  @IsOptional()
  @IsIn(['project'])
  groupBy?: 'project';
}
