import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';

export class RecordPatternDto {
  @ApiProperty({ maxLength: 100, example: 'flaky_test' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  type!: string;

  @ApiPropertyOptional({ enum: AGENT_TYPES })
  @IsOptional()
  @IsIn(AGENT_TYPES)
  agentType?: AgentType;

  @ApiProperty({ description: 'Any JSON; compared without regard to key order.' })
  @IsDefined()
  pattern!: unknown;
}
