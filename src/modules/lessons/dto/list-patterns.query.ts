import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';

/** The filters of the patterns list and of its count. */
export class PatternFiltersQuery {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({ enum: AGENT_TYPES })
  @IsOptional()
  @IsIn(AGENT_TYPES)
  agentType?: AgentType;
}

/** `?limit=&cursor=`, the filters and the order. */
export class ListPatternsQuery extends IntersectionType(PageQuery, PatternFiltersQuery) {
  @ApiPropertyOptional({ enum: ['frequency', 'recent'], default: 'frequency' })
  @IsOptional()
  @IsIn(['frequency', 'recent'])
  sort: 'frequency' | 'recent' = 'frequency';
}
