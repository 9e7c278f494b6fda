import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const MAX_PROMPT_LENGTH = 100_000;
export const MAX_DEPENDENCIES = 100;

export class CreateTaskDto {
  @ApiProperty({ maxLength: MAX_PROMPT_LENGTH })
  @IsString() @IsNotEmpty() @MaxLength(MAX_PROMPT_LENGTH)
  prompt!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(255)
  projectId?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional() @IsObject()
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Tasks of the same tenant that must complete before this one runs.' })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_DEPENDENCIES) @ArrayUnique() @IsUUID('all', { each: true })
  dependsOn?: string[];
}
