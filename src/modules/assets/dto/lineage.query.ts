import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { LINEAGE_EDGES_PER_NODE } from '../asset-dependency.repository.js';
import type { LineageDirection } from '../asset-graph.js';
import { DEPENDENCY_TYPES, type DependencyType } from '../asset-type.js';
import { LINEAGE_DIRECTIONS } from './list-dependencies.query.js';

export const MAX_LINEAGE_DEPTH = 20;
export const MAX_LINEAGE_NODES = 1_000;
export const LINEAGE_FORMATS = ['json', 'mermaid', 'dot'] as const;
export type LineageFormat = (typeof LINEAGE_FORMATS)[number];

export class LineageQuery {
  @ApiPropertyOptional({ enum: LINEAGE_DIRECTIONS, default: 'both' })
  @IsOptional()
  @IsIn(LINEAGE_DIRECTIONS)
  direction: LineageDirection = 'both';

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
    description: `Most assets returned (the asset itself included), nearest first; at most ${LINEAGE_EDGES_PER_NODE} × maxNodes edges. Beyond either, \`truncated\` is true.`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LINEAGE_NODES)
  maxNodes = MAX_LINEAGE_NODES;

  @ApiPropertyOptional({
    type: String,
    example: 'data,control',
    description: `Comma-separated dependency types to follow; all (${DEPENDENCY_TYPES.join(', ')}) by default.`,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(DEPENDENCY_TYPES, { each: true })
  types: DependencyType[] = [...DEPENDENCY_TYPES];

  @ApiPropertyOptional({
    enum: LINEAGE_FORMATS,
    default: 'json',
    description: 'mermaid or dot: the same graph as text to paste into a renderer.',
  })
  @IsOptional()
  @IsIn(LINEAGE_FORMATS)
  format: LineageFormat = 'json';
}
