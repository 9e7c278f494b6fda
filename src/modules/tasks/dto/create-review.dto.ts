import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';

/** A fraction from 0 to 1. */
function IsScore(): PropertyDecorator {
  return (target, property) => {
    for (const decorate of [IsNumber({ allowNaN: false, allowInfinity: false }), Min(0), Max(1)]) {
      decorate(target, property as string);
    }
  };
}

export class CreateReviewDto {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  iteration!: number;

  @ApiProperty({ enum: AGENT_TYPES, description: 'The agent that wrote the review.' })
  @IsIn(AGENT_TYPES)
  agentType!: AgentType;

  @ApiProperty({ minimum: 0, maximum: 1 })
  @IsScore()
  qualityScore!: number;

  @ApiProperty({ minimum: 0, maximum: 1 })
  @IsScore()
  completenessScore!: number;

  @ApiProperty({ minimum: 0, maximum: 1 })
  @IsScore()
  correctnessScore!: number;

  @ApiProperty({ minimum: 0, maximum: 1 })
  @IsScore()
  overallScore!: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(2_000, { each: true })
  gaps?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(2_000, { each: true })
  requirements?: string[];

  @ApiProperty({ maxLength: 50, example: 'iterate' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  decision!: string;

  @ApiPropertyOptional({ maxLength: 20_000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  reasoning?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  durationMs?: number;
}
