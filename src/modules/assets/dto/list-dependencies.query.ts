import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import type { LineageDirection } from '../asset-graph.js';
import { DEPENDENCY_TYPES, type DependencyType } from '../asset-type.js';

export const LINEAGE_DIRECTIONS = ['upstream', 'downstream', 'both'] as const satisfies readonly LineageDirection[];

export class ListDependenciesQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: LINEAGE_DIRECTIONS,
    default: 'both',
    description: 'upstream: what the asset depends on; downstream: what depends on it.',
  })
  @IsOptional()
  @IsIn(LINEAGE_DIRECTIONS)
  direction: LineageDirection = 'both';

  @ApiPropertyOptional({ enum: DEPENDENCY_TYPES })
  @IsOptional()
  @IsIn(DEPENDENCY_TYPES)
  type?: DependencyType;
}
