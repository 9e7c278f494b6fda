import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';

export class StartExecutionDto {
  @ApiProperty({ enum: AGENT_TYPES })
  @IsIn(AGENT_TYPES)
  agentType!: AgentType;

  @ApiPropertyOptional({ description: 'Any JSON handed to the agent.' })
  @IsOptional()
  input?: unknown;
}
