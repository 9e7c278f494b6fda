import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';

export class ListWorkflowsQuery extends PageQuery {
  @ApiPropertyOptional({ default: false, description: 'The global catalogue’s templates (read-only) instead of the tenant’s workflows.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  global?: boolean;
}
