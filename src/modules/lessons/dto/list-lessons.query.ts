import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../../platform/pagination/page.js';
import { AGENT_TYPES, type AgentType } from '../../shared/agent-type.js';
import { MAX_TAG_LENGTH, MAX_TAGS, normaliseTags } from './create-lesson.dto.js';

export const LESSON_SORTS = ['relevance', 'confidence', 'applications', 'recent'] as const;
export type LessonSort = (typeof LESSON_SORTS)[number];

const commaSeparated = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value);

/** The filters of the lessons list and of its count. */
export class LessonFiltersQuery {
  @ApiPropertyOptional({ description: 'Free text, web-search syntax: "quoted phrase", -excluded, or.' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  q?: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  category?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Comma-separated, or one whole tag per repeated parameter (for a tag holding a comma); lessons with any of them (all with tagsMode=all).',
  })
  @IsOptional()
  @Transform((params) => normaliseTags({ value: commaSeparated(params) }))
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ enum: ['any', 'all'], default: 'any' })
  @IsOptional()
  @IsIn(['any', 'all'])
  tagsMode: 'any' | 'all' = 'any';

  @ApiPropertyOptional({ enum: AGENT_TYPES })
  @IsOptional()
  @IsIn(AGENT_TYPES)
  sourceAgent?: AgentType;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  humanValidated?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  minConfidence?: number;
}

/** `?limit=&cursor=`, the filters and the order. */
export class ListLessonsQuery extends IntersectionType(PageQuery, LessonFiltersQuery) {
  @ApiPropertyOptional({ enum: LESSON_SORTS, description: 'Default: relevance with q, recent without.' })
  @IsOptional()
  @IsIn(LESSON_SORTS)
  sort?: LessonSort;
}
