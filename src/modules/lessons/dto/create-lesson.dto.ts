import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 50;

/** Tags are compared normalised: trimmed, lower case, inner whitespace as one dash, no duplicates. */
export function normaliseTags({ value }: { value: unknown }): unknown {
  if (!Array.isArray(value)) return value;
  const tags = value.map((tag) => (typeof tag === 'string' ? tag.trim().toLowerCase().replace(/\s+/g, '-') : tag));
  return [...new Set(tags)];
}

const NOT_BLANK = /\S/;

/** Fields that may be null are the ones a client may clear: details, sourceAgent, taskId. */
export class CreateLessonDto {
  @ApiProperty({ maxLength: 50, example: 'testing' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'category must not be blank' })
  @MaxLength(50)
  category!: string;

  @ApiProperty({ maxLength: 255 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  @MaxLength(255)
  title!: string;

  @ApiProperty({ maxLength: 5_000 })
  @IsString()
  @Matches(NOT_BLANK, { message: 'summary must not be blank' })
  @MaxLength(5_000)
  summary!: string;

  @ApiPropertyOptional({ maxLength: 50_000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50_000)
  details?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS, description: 'Normalised: trimmed, lower case, spaces as dashes.' })
  @IsOmittable()
  @Transform(normaliseTags)
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ enum: AGENT_TYPES, nullable: true })
  @IsOptional()
  @IsIn(AGENT_TYPES)
  sourceAgent?: AgentType | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'A task of the same tenant.' })
  @IsOptional()
  @IsUUID()
  taskId?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, default: 0.5 })
  @IsOmittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;
}
