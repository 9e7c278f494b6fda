import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { lowerCaseId } from './create-task.dto.js';

/** `?limit=&cursor=` of a task's reviews, optionally of one of its executions. */
export class ListReviewsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the reviews of this execution of the task.' })
  @IsOptional()
  @Transform(lowerCaseId)
  @IsUUID()
  executionId?: string;
}
