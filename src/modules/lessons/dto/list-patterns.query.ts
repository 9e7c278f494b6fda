import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';

export class ListPatternsQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100)
  type?: string;

  @ApiPropertyOptional({ enum: AGENT_TYPES })
  @IsOptional() @IsIn(AGENT_TYPES)
  agentType?: AgentType;

  @ApiPropertyOptional({ enum: ['frequency', 'recent'], default: 'frequency' })
  @IsOptional() @IsIn(['frequency', 'recent'])
  sort: 'frequency' | 'recent' = 'frequency';
}
