import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { MAX_DEPENDENCIES, MAX_PROMPT_LENGTH } from './create-task.dto.js';

/** What may change while a task is pending. `dependsOn` replaces the whole set. */
export class UpdateTaskDto {
  @ApiPropertyOptional({ maxLength: MAX_PROMPT_LENGTH })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(MAX_PROMPT_LENGTH)
  prompt?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_DEPENDENCIES) @ArrayUnique() @IsUUID('all', { each: true })
  dependsOn?: string[];
}
