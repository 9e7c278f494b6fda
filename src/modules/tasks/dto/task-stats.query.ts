import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class TaskStatsQuery {
  @ApiPropertyOptional({ description: 'Count only this project’s tasks.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  projectId?: string;

  @ApiPropertyOptional({ enum: ['project'], description: 'Also break the counts down per project.' })
  @IsOptional() @IsIn(['project'])
  groupBy?: 'project';
}
