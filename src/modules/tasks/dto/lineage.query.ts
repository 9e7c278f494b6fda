import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_LINEAGE_DEPTH = 20;

export class LineageQuery {
  @ApiPropertyOptional({ enum: ['upstream', 'downstream', 'both'], default: 'both' })
  @IsOptional() @IsIn(['upstream', 'downstream', 'both'])
  direction: 'upstream' | 'downstream' | 'both' = 'both';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LINEAGE_DEPTH, default: 5 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_LINEAGE_DEPTH)
  maxDepth = 5;
}
