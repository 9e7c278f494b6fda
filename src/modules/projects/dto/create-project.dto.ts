import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { MAX_PROJECT_DESCRIPTION_LENGTH, MAX_PROJECT_NAME_LENGTH } from '../project-limits.js';

const NOT_BLANK = /\S/;

export class CreateProjectDto {
  @ApiProperty({ maxLength: MAX_PROJECT_NAME_LENGTH, example: 'billing-rewrite', description: 'Unique in the tenant (case-sensitive).' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  @MaxLength(MAX_PROJECT_NAME_LENGTH)
  name!: string;

  @ApiPropertyOptional({ maxLength: MAX_PROJECT_DESCRIPTION_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PROJECT_DESCRIPTION_LENGTH)
  description?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Any JSON object (at most 64 KiB), e.g. the default agent config of its tasks.',
  })
  @IsOmittable()
  @IsObject()
  settings?: Record<string, unknown>;
}
