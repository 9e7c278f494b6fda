import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';
import { WorkflowDefinitionDto } from './workflow-definition.dto.js';

export const MAX_DECLARED_ASSETS = 100;

function lowerCaseIds({ value }: { value: unknown }): unknown {
  return Array.isArray(value) ? value.map((id) => (typeof id === 'string' ? id.toLowerCase() : id)) : value;
}

/** The content of a workflow version: `PUT /api/workflows/:name` writes the next one when it differs. */
export class PutWorkflowDto {
  @ApiPropertyOptional({ maxLength: 10_000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiProperty({ type: WorkflowDefinitionDto })
  @ValidateNested()
  @Type(() => WorkflowDefinitionDto)
  definition!: WorkflowDefinitionDto;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_DECLARED_ASSETS,
    description: 'Assets of the tenant the workflow reads.',
  })
  @IsOmittable()
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(MAX_DECLARED_ASSETS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  inputs?: string[];

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_DECLARED_ASSETS,
    description: 'Assets of the tenant the workflow produces.',
  })
  @IsOmittable()
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(MAX_DECLARED_ASSETS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  outputs?: string[];
}
