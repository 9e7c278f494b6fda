import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_LINEAGE_DEPTH = 20;
export const MAX_LINEAGE_NODES = 1_000;
/** Edges returned per node asked for: keeps the largest answer near half a megabyte of JSON. */
export const LINEAGE_EDGES_PER_NODE = 5;

export class LineageQuery {
  @ApiPropertyOptional({ enum: ['upstream', 'downstream', 'both'], default: 'both' })
  @IsOptional()
  @IsIn(['upstream', 'downstream', 'both'])
  direction: 'upstream' | 'downstream' | 'both' = 'both';

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LINEAGE_DEPTH, default: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LINEAGE_DEPTH)
  maxDepth = 5;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_LINEAGE_NODES,
    default: MAX_LINEAGE_NODES,
    description: `Most tasks returned (the task itself included), nearest first; at most ${LINEAGE_EDGES_PER_NODE} × maxNodes edges. Beyond either, \`truncated\` is true.`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LINEAGE_NODES)
  maxNodes = MAX_LINEAGE_NODES;
}
