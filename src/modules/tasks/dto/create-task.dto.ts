import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsObject, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../platform/http/omittable.decorator.js';

export const MAX_PROMPT_LENGTH = 100_000;
export const MAX_DEPENDENCIES = 100;

/** A UUID in one case, so that it compares equal however the client wrote it. */
export function lowerCaseId({ value }: { value: unknown }): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** UUIDs in one case, so that ids compare equal however the client wrote them. */
export function lowerCaseIds({ value }: { value: unknown }): unknown {
  return Array.isArray(value) ? value.map((id) => (typeof id === 'string' ? id.toLowerCase() : id)) : value;
}

export class CreateTaskDto {
  @ApiProperty({ maxLength: MAX_PROMPT_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_PROMPT_LENGTH)
  prompt!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A project of the tenant (`POST /api/projects`); unknown → 400.' })
  @IsOmittable()
  @Transform(lowerCaseId)
  @IsUUID()
  projectId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOmittable()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOmittable()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Tasks of the same tenant that must complete before this one runs.' })
  @IsOmittable()
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(MAX_DEPENDENCIES)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  dependsOn?: string[];
}
